import type { RespConnection } from '../server/connection.js';
import type { CommandSpec } from './command-spec.js';
import { helpReply } from './server-commands.js';

/** Redis' ACL categories implied by a command's flags and group, as COMMAND INFO lists them. */
const categories = (spec: CommandSpec): string[] => {
  const out: string[] = [];
  if (spec.flags.includes('write')) out.push('@write');
  if (spec.flags.includes('readonly')) out.push('@read');
  if (spec.group === 'string') out.push('@string');
  if (spec.group === 'generic') out.push('@keyspace');
  if (spec.group === 'connection') out.push('@connection');
  if (spec.flags.includes('admin')) out.push('@admin', '@dangerous');
  if (spec.flags.includes('fast')) out.push('@fast');
  else out.push('@slow');
  return out;
};

/** One COMMAND INFO entry: name, arity, flags, key positions, categories, tips, key specs, subcommands. */
const writeCommandInfo = (c: RespConnection, spec: CommandSpec): void => {
  const { reply } = c;
  reply.array(10);
  reply.bulk(spec.name);
  reply.integer(spec.arity);
  reply.set(spec.flags.length);
  for (const flag of spec.flags) reply.simple(flag);
  reply.integer(spec.keys[0]);
  reply.integer(spec.keys[1]);
  reply.integer(spec.keys[2]);
  const cats = categories(spec);
  reply.set(cats.length);
  for (const cat of cats) reply.simple(cat);
  reply.array(0);
  reply.array(0);
  const subs = spec.subcommands ?? [];
  reply.array(subs.length);
  for (const sub of subs) writeCommandInfo(c, sub);
};

const writeCommandDocs = (c: RespConnection, spec: CommandSpec): void => {
  const { reply } = c;
  const subs = spec.subcommands ?? [];
  reply.map(subs.length > 0 ? 5 : 4);
  reply.bulk('summary');
  reply.bulk(spec.summary);
  reply.bulk('since');
  reply.bulk(spec.since);
  reply.bulk('group');
  reply.bulk(spec.group);
  reply.bulk('syntax');
  reply.bulk(spec.syntax);
  if (subs.length > 0) {
    reply.bulk('subcommands');
    reply.map(subs.length);
    for (const sub of subs) {
      reply.bulk(sub.name);
      writeCommandDocs(c, sub);
    }
  }
};

/** A command or `container|sub` subcommand by name. */
const findSpec = (c: RespConnection, name: string): CommandSpec | undefined => {
  const lower = name.toLowerCase();
  return c.host.lookup.commands.get(lower) ?? c.host.lookup.subcommands.get(lower);
};

/** COMMAND: every command's COMMAND INFO entry. */
export const command = (c: RespConnection): void => {
  const list = c.host.commandList;
  c.reply.array(list.length);
  for (const spec of list) writeCommandInfo(c, spec);
};

export const commandCount = (c: RespConnection): void => c.reply.integer(c.host.commandList.length);

export const commandList = (c: RespConnection): void => c.reply.bulkArray(c.host.commandList.map((s) => s.name));

export const commandInfo = (c: RespConnection): void => {
  const names = c.argc > 2 ? c.argv.slice(2, c.argc) : c.host.commandList.map((s) => s.name);
  c.reply.array(names.length);
  for (const name of names) {
    const spec = findSpec(c, name);
    if (spec === undefined) c.reply.nullArray();
    else writeCommandInfo(c, spec);
  }
};

/** COMMAND DOCS [name ...]: a map of name to its docs; unknown names are left out, as in Redis. */
export const commandDocs = (c: RespConnection): void => {
  const specs =
    c.argc > 2
      ? c.argv
          .slice(2, c.argc)
          .map((n) => findSpec(c, n))
          .filter((s): s is CommandSpec => s !== undefined)
      : c.host.commandList;
  c.reply.map(specs.length);
  for (const spec of specs) {
    c.reply.bulk(spec.name);
    writeCommandDocs(c, spec);
  }
};

export const commandHelp = (c: RespConnection): void => helpReply(c, 'command');
export const clientHelp = (c: RespConnection): void => helpReply(c, 'client');
