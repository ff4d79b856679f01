import type { CommandSpec } from '../commands/command-spec.js';
import { RedisErrors } from '../commands/redis-errors.js';
import { enqueue, RUN_IN_MULTI } from '../commands/transaction-commands.js';
import type { RespConnection } from './connection.js';
import { closedAsHttp } from './cross-protocol.js';

const arityOk = (arity: number, argc: number): boolean => (arity >= 0 ? argc === arity : argc >= -arity);

/** Answers a command that will not run; inside MULTI it also dooms the transaction (EXECABORT), as in Redis. */
const refuse = (c: RespConnection, message: string): void => {
  c.reply.error(message);
  if (c.transaction !== null) c.transaction.dirty = true;
};

/**
 * Runs the command in `c.argv`, checking in Redis' order: known command, arity, authentication,
 * then meshcache's own checks (UTF-8, loading). The lookup tries the name as sent before
 * lower-casing it, so the usual all-lower or all-upper spelling costs no new string.
 */
export const dispatch = (c: RespConnection): void | Promise<void> => {
  const { argv, argc } = c;
  const { commands, subcommands } = c.host.lookup;
  const name = argv[0];
  let spec: CommandSpec | undefined;
  // A client sends the same name again and again (the parser even hands back the same string):
  // the connection keeps the last name it looked up with its spec.
  if (name === c.lastName) spec = c.lastSpec;
  else {
    spec = commands.get(name) ?? commands.get(name.toLowerCase());
    c.lastName = name;
    c.lastSpec = spec;
  }
  if (spec === undefined) {
    if (closedAsHttp(c, name)) return;
    refuse(c, RedisErrors.unknownCommand(argv, argc));
    return;
  }
  if (!arityOk(spec.arity, argc)) {
    refuse(c, RedisErrors.wrongArity(spec.name));
    return;
  }
  if (spec.subcommands !== undefined && argc >= 2) {
    const subName = `${spec.name}|${argv[1].toLowerCase()}`;
    const sub = subcommands.get(subName);
    if (sub === undefined) {
      refuse(c, RedisErrors.unknownSubcommand(argv[1], spec.name));
      return;
    }
    if (!arityOk(sub.arity, argc)) {
      refuse(c, RedisErrors.wrongArity(sub.name));
      return;
    }
    spec = sub;
  }
  if (!c.authenticated && !spec.flags.includes('no_auth')) {
    refuse(c, RedisErrors.noAuth);
    return;
  }
  if (c.parserSawInvalidUtf8) {
    refuse(c, RedisErrors.notUtf8);
    return;
  }
  if (c.store.loading() && !spec.flags.includes('loading')) {
    refuse(c, RedisErrors.loading);
    return;
  }
  const transaction = c.transaction;
  if (transaction !== null && !RUN_IN_MULTI.has(spec.name)) {
    if (spec.flags.includes('no_multi')) refuse(c, 'ERR Command not allowed inside a transaction');
    else enqueue(c, transaction, spec);
    return;
  }
  c.lastCommand = spec.name;
  c.host.counters.commandsProcessed++;
  return spec.handler?.(c);
};
