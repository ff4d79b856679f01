import { clientHelp, command, commandCount, commandDocs, commandHelp, commandInfo, commandList } from './command-commands.js';
import type { CommandSpec } from './command-spec.js';
import * as conn from './connection-commands.js';
import * as keys from './key-commands.js';
import { configGet, configHelp, configSet, dbsize, flush, info } from './server-commands.js';
import * as str from './string-commands.js';
import * as tx from './transaction-commands.js';

const NONE = [0, 0, 0] as const;
const ONE = [1, 1, 1] as const;
const ALL = [1, -1, 1] as const;
const PAIRS = [1, -1, 2] as const;

/**
 * Every command meshcache answers over RESP: name, arity, flags, key positions, docs and
 * handler. `COMMAND`, `COMMAND DOCS`, arity errors, the dispatcher and the README's command
 * list are all produced from this one table.
 */
export const COMMAND_TABLE: readonly CommandSpec[] = [
  // connection
  { name: 'ping', arity: -1, flags: ['fast', 'loading', 'stale'], keys: NONE, group: 'connection', since: '1.0.0', syntax: '[message]', summary: 'Returns PONG, or the message.', handler: conn.ping },
  { name: 'echo', arity: 2, flags: ['fast', 'loading', 'stale'], keys: NONE, group: 'connection', since: '1.0.0', syntax: 'message', summary: 'Returns the message.', handler: conn.echo },
  { name: 'quit', arity: -1, flags: ['fast', 'no_auth', 'loading', 'stale'], keys: NONE, group: 'connection', since: '1.0.0', syntax: '', summary: 'Answers OK and closes the connection.', handler: conn.quit },
  { name: 'hello', arity: -1, flags: ['fast', 'no_auth', 'no_multi', 'loading', 'stale'], keys: NONE, group: 'connection', since: '6.0.0', syntax: '[protover [AUTH username password] [SETNAME clientname]]', summary: 'Selects RESP2 or RESP3, optionally authenticates, and describes the server.', handler: conn.hello },
  { name: 'auth', arity: -2, flags: ['fast', 'no_auth', 'no_multi', 'loading', 'stale'], keys: NONE, group: 'connection', since: '1.0.0', syntax: '[username] password', summary: 'Authenticates with AUTH_TOKEN (user `default`, or no user).', handler: conn.auth },
  { name: 'select', arity: 2, flags: ['fast', 'loading', 'stale'], keys: NONE, group: 'connection', since: '1.0.0', syntax: 'index', summary: 'Selects database 0, the only one.', handler: conn.select },
  {
    name: 'client',
    arity: -2,
    flags: ['loading', 'stale'],
    keys: NONE,
    group: 'connection',
    since: '2.4.0',
    syntax: '<subcommand> [arg ...]',
    summary: 'Names and describes client connections.',
    subcommands: [
      { name: 'client|setname', arity: 3, flags: ['loading', 'stale'], keys: NONE, group: 'connection', since: '2.6.9', syntax: 'connection-name', summary: 'Names this connection.', handler: conn.clientSetname },
      { name: 'client|getname', arity: 2, flags: ['loading', 'stale'], keys: NONE, group: 'connection', since: '2.6.9', syntax: '', summary: "Returns this connection's name.", handler: conn.clientGetname },
      { name: 'client|id', arity: 2, flags: ['loading', 'stale'], keys: NONE, group: 'connection', since: '5.0.0', syntax: '', summary: "Returns this connection's id.", handler: conn.clientId },
      { name: 'client|info', arity: 2, flags: ['loading', 'stale'], keys: NONE, group: 'connection', since: '6.2.0', syntax: '', summary: 'Describes this connection.', handler: conn.clientInfo },
      { name: 'client|list', arity: -2, flags: ['admin', 'loading', 'stale'], keys: NONE, group: 'connection', since: '2.4.0', syntax: '', summary: 'Describes every connection.', handler: conn.clientList },
      { name: 'client|setinfo', arity: 4, flags: ['loading', 'stale'], keys: NONE, group: 'connection', since: '7.2.0', syntax: 'LIB-NAME libname | LIB-VER libver', summary: 'Records the client library name or version.', handler: conn.clientSetinfo },
      { name: 'client|help', arity: 2, flags: ['loading', 'stale'], keys: NONE, group: 'connection', since: '5.0.0', syntax: '', summary: 'Lists the CLIENT subcommands.', handler: clientHelp },
    ],
  },
  // strings
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], keys: ONE, group: 'string', since: '1.0.0', syntax: 'key', summary: 'Returns the value of a key (a value set over REST as its JSON text).', handler: str.get },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], keys: ONE, group: 'string', since: '1.0.0', syntax: 'key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]', summary: 'Sets the string value of a key, on every node.', handler: str.set },
  { name: 'setex', arity: 4, flags: ['write', 'denyoom'], keys: ONE, group: 'string', since: '2.0.0', syntax: 'key seconds value', summary: 'Sets a value that expires after some seconds.', handler: str.setex },
  { name: 'psetex', arity: 4, flags: ['write', 'denyoom'], keys: ONE, group: 'string', since: '2.6.0', syntax: 'key milliseconds value', summary: 'Sets a value that expires after some milliseconds.', handler: str.psetex },
  { name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE, group: 'string', since: '1.0.0', syntax: 'key value', summary: 'Sets a value only if the key does not exist.', handler: str.setnx },
  { name: 'getdel', arity: 2, flags: ['write', 'fast'], keys: ONE, group: 'string', since: '6.2.0', syntax: 'key', summary: 'Returns the value of a key and deletes it.', handler: str.getdel },
  { name: 'getex', arity: -2, flags: ['write', 'fast'], keys: ONE, group: 'string', since: '6.2.0', syntax: 'key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]', summary: 'Returns the value of a key and changes its expiry.', handler: str.getex },
  { name: 'mget', arity: -2, flags: ['readonly', 'fast'], keys: ALL, group: 'string', since: '1.0.0', syntax: 'key [key ...]', summary: 'Returns the values of several keys.', handler: str.mget },
  { name: 'mset', arity: -3, flags: ['write', 'denyoom'], keys: PAIRS, group: 'string', since: '1.0.1', syntax: 'key value [key value ...]', summary: 'Sets several keys (each one its own replicated write).', handler: str.mset },
  { name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], keys: PAIRS, group: 'string', since: '1.0.1', syntax: 'key value [key value ...]', summary: 'Sets several keys only if none of them exists on this node.', handler: str.msetnx },
  { name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], keys: ONE, group: 'string', since: '1.0.0', syntax: 'key', summary: 'Adds 1 to an integer value (atomic on this node only).', handler: str.incr },
  { name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE, group: 'string', since: '1.0.0', syntax: 'key increment', summary: 'Adds an integer to an integer value (atomic on this node only).', handler: str.incrby },
  { name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], keys: ONE, group: 'string', since: '1.0.0', syntax: 'key', summary: 'Subtracts 1 from an integer value (atomic on this node only).', handler: str.decr },
  { name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE, group: 'string', since: '1.0.0', syntax: 'key decrement', summary: 'Subtracts an integer from an integer value (atomic on this node only).', handler: str.decrby },
  { name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: ONE, group: 'string', since: '2.0.0', syntax: 'key value', summary: 'Appends to a value; returns its new length in bytes.', handler: str.append },
  { name: 'strlen', arity: 2, flags: ['readonly', 'fast'], keys: ONE, group: 'string', since: '2.2.0', syntax: 'key', summary: 'Returns the length of a value in bytes.', handler: str.strlen },
  // keys
  { name: 'del', arity: -2, flags: ['write'], keys: ALL, group: 'generic', since: '1.0.0', syntax: 'key [key ...]', summary: 'Deletes keys on every node; returns how many existed here.', handler: keys.del },
  { name: 'unlink', arity: -2, flags: ['write', 'fast'], keys: ALL, group: 'generic', since: '4.0.0', syntax: 'key [key ...]', summary: 'Same as DEL.', handler: keys.del },
  { name: 'exists', arity: -2, flags: ['readonly', 'fast'], keys: ALL, group: 'generic', since: '1.0.0', syntax: 'key [key ...]', summary: 'Counts the given keys that exist.', handler: keys.exists },
  { name: 'type', arity: 2, flags: ['readonly', 'fast'], keys: ONE, group: 'generic', since: '1.0.0', syntax: 'key', summary: 'Returns `string` or `none`.', handler: keys.type },
  { name: 'expire', arity: -3, flags: ['write', 'fast'], keys: ONE, group: 'generic', since: '1.0.0', syntax: 'key seconds [NX | XX | GT | LT]', summary: 'Sets a time to live in seconds.', handler: keys.expire },
  { name: 'pexpire', arity: -3, flags: ['write', 'fast'], keys: ONE, group: 'generic', since: '2.6.0', syntax: 'key milliseconds [NX | XX | GT | LT]', summary: 'Sets a time to live in milliseconds.', handler: keys.pexpire },
  { name: 'expireat', arity: -3, flags: ['write', 'fast'], keys: ONE, group: 'generic', since: '1.2.0', syntax: 'key unix-time-seconds [NX | XX | GT | LT]', summary: 'Sets an expiry time in Unix seconds.', handler: keys.expireat },
  { name: 'pexpireat', arity: -3, flags: ['write', 'fast'], keys: ONE, group: 'generic', since: '2.6.0', syntax: 'key unix-time-milliseconds [NX | XX | GT | LT]', summary: 'Sets an expiry time in Unix milliseconds.', handler: keys.pexpireat },
  { name: 'ttl', arity: 2, flags: ['readonly', 'fast'], keys: ONE, group: 'generic', since: '1.0.0', syntax: 'key', summary: 'Seconds to live; -1 without expiry, -2 when missing.', handler: keys.ttl },
  { name: 'pttl', arity: 2, flags: ['readonly', 'fast'], keys: ONE, group: 'generic', since: '2.6.0', syntax: 'key', summary: 'Milliseconds to live; -1 without expiry, -2 when missing.', handler: keys.pttl },
  { name: 'persist', arity: 2, flags: ['write', 'fast'], keys: ONE, group: 'generic', since: '2.2.0', syntax: 'key', summary: 'Removes the expiry of a key.', handler: keys.persist },
  { name: 'keys', arity: 2, flags: ['readonly'], keys: NONE, group: 'generic', since: '1.0.0', syntax: 'pattern', summary: 'Returns every key matching a glob pattern (walks all keys: prefer SCAN).', handler: keys.keys },
  { name: 'scan', arity: -2, flags: ['readonly'], keys: NONE, group: 'generic', since: '2.8.0', syntax: 'cursor [MATCH pattern] [COUNT count] [TYPE type]', summary: 'Iterates the keys in order, a page per call.', handler: keys.scan },
  // transactions
  { name: 'multi', arity: 1, flags: ['fast', 'no_multi', 'loading', 'stale'], keys: NONE, group: 'transactions', since: '1.2.0', syntax: '', summary: 'Starts a transaction: later commands are queued (QUEUED) until EXEC or DISCARD.', handler: tx.multi },
  { name: 'exec', arity: 1, flags: ['loading', 'stale'], keys: NONE, group: 'transactions', since: '1.2.0', syntax: '', summary: 'Runs the queued commands in one go on this node (EXECABORT if one was refused while queuing).', handler: tx.exec },
  { name: 'discard', arity: 1, flags: ['fast', 'loading', 'stale'], keys: NONE, group: 'transactions', since: '2.0.0', syntax: '', summary: 'Drops the queued commands and ends the transaction.', handler: tx.discard },
  { name: 'watch', arity: -2, flags: ['fast', 'no_multi', 'loading', 'stale'], keys: ALL, group: 'transactions', since: '2.2.0', syntax: 'key [key ...]', summary: 'Not supported: answers an error (no optimistic locking).', handler: tx.watch },
  // server
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], keys: NONE, group: 'server', since: '1.0.0', syntax: '', summary: 'Returns the number of keys on this node.', handler: dbsize },
  { name: 'flushdb', arity: -1, flags: ['write'], keys: NONE, group: 'server', since: '1.0.0', syntax: '[ASYNC | SYNC]', summary: 'Deletes every key on every node.', handler: flush },
  { name: 'flushall', arity: -1, flags: ['write'], keys: NONE, group: 'server', since: '1.0.0', syntax: '[ASYNC | SYNC]', summary: 'Same as FLUSHDB (there is one database).', handler: flush },
  { name: 'info', arity: -1, flags: ['loading', 'stale'], keys: NONE, group: 'server', since: '1.0.0', syntax: '[section ...]', summary: 'Server, clients, memory, persistence, stats, replication (peers) and keyspace figures.', handler: info },
  {
    name: 'config',
    arity: -2,
    flags: [],
    keys: NONE,
    group: 'server',
    since: '2.0.0',
    syntax: '<subcommand> [arg ...]',
    summary: 'Reads and changes server parameters.',
    subcommands: [
      { name: 'config|get', arity: -3, flags: ['admin', 'loading', 'stale'], keys: NONE, group: 'server', since: '2.0.0', syntax: 'parameter [parameter ...]', summary: 'Reads maxmemory-policy, maxmemory, databases.', handler: configGet },
      { name: 'config|set', arity: -4, flags: ['admin', 'loading', 'stale'], keys: NONE, group: 'server', since: '2.0.0', syntax: 'parameter value [parameter value ...]', summary: 'Sets maxmemory-policy (allkeys-lru, allkeys-lfu): the strategy of every node.', handler: configSet },
      { name: 'config|help', arity: 2, flags: ['loading', 'stale'], keys: NONE, group: 'server', since: '5.0.0', syntax: '', summary: 'Lists the CONFIG subcommands.', handler: configHelp },
    ],
  },
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    keys: NONE,
    group: 'server',
    since: '2.8.13',
    syntax: '[<subcommand> [arg ...]]',
    summary: 'Describes every command (from this table).',
    handler: command,
    subcommands: [
      { name: 'command|count', arity: 2, flags: ['loading', 'stale'], keys: NONE, group: 'server', since: '2.8.13', syntax: '', summary: 'Returns the number of commands.', handler: commandCount },
      { name: 'command|info', arity: -2, flags: ['loading', 'stale'], keys: NONE, group: 'server', since: '2.8.13', syntax: '[command-name ...]', summary: 'Describes commands.', handler: commandInfo },
      { name: 'command|docs', arity: -2, flags: ['loading', 'stale'], keys: NONE, group: 'server', since: '7.0.0', syntax: '[command-name ...]', summary: 'Documents commands.', handler: commandDocs },
      { name: 'command|list', arity: -2, flags: ['loading', 'stale'], keys: NONE, group: 'server', since: '7.0.0', syntax: '', summary: 'Lists command names.', handler: commandList },
      { name: 'command|help', arity: 2, flags: ['loading', 'stale'], keys: NONE, group: 'server', since: '5.0.0', syntax: '', summary: 'Lists the COMMAND subcommands.', handler: commandHelp },
    ],
  },
];

export interface CommandLookup {
  /** Each command under its lower- and upper-case names. */
  readonly commands: ReadonlyMap<string, CommandSpec>;
  /** Subcommands as `container|sub`, lower case. */
  readonly subcommands: ReadonlyMap<string, CommandSpec>;
}

/** The dispatcher's lookup tables. */
export const commandLookup = (table: readonly CommandSpec[]): CommandLookup => {
  const commands = new Map<string, CommandSpec>();
  const subcommands = new Map<string, CommandSpec>();
  for (const spec of table) {
    commands.set(spec.name, spec);
    commands.set(spec.name.toUpperCase(), spec);
    for (const sub of spec.subcommands ?? []) subcommands.set(sub.name, sub);
  }
  return { commands, subcommands };
};
