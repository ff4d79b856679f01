import type { CommandSpec } from '../commands/command-spec.js';
import { RedisErrors } from '../commands/redis-errors.js';
import type { RespConnection } from './connection.js';
import { closedAsHttp } from './cross-protocol.js';

const arityOk = (arity: number, argc: number): boolean => (arity >= 0 ? argc === arity : argc >= -arity);

/**
 * Runs the command in `c.argv`, checking in Redis' order: known command, arity, authentication,
 * then meshcache's own checks (UTF-8, loading). The lookup tries the name as sent before
 * lower-casing it, so the usual all-lower or all-upper spelling costs no new string.
 */
export const dispatch = (c: RespConnection): void | Promise<void> => {
  const { argv, argc, reply } = c;
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
    reply.error(RedisErrors.unknownCommand(argv, argc));
    return;
  }
  if (!arityOk(spec.arity, argc)) {
    reply.error(RedisErrors.wrongArity(spec.name));
    return;
  }
  if (spec.subcommands !== undefined && argc >= 2) {
    const subName = `${spec.name}|${argv[1].toLowerCase()}`;
    const sub = subcommands.get(subName);
    if (sub === undefined) {
      reply.error(RedisErrors.unknownSubcommand(argv[1], spec.name));
      return;
    }
    if (!arityOk(sub.arity, argc)) {
      reply.error(RedisErrors.wrongArity(sub.name));
      return;
    }
    spec = sub;
  }
  if (!c.authenticated && !spec.flags.includes('no_auth')) {
    reply.error(RedisErrors.noAuth);
    return;
  }
  if (c.parserSawInvalidUtf8) {
    reply.error(RedisErrors.notUtf8);
    return;
  }
  if (c.store.loading() && !spec.flags.includes('loading')) {
    reply.error(RedisErrors.loading);
    return;
  }
  c.lastCommand = spec.name;
  c.host.counters.commandsProcessed++;
  return spec.handler?.(c);
};
