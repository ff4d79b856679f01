import type { RespConnection } from '../server/connection.js';

/**
 * Redis command flags this library uses (names as `COMMAND` reports them): `no_auth` runs
 * before `AUTH`, `loading` runs while the store is loading, `write`/`readonly` classify keys,
 * `no_multi` is refused between MULTI and EXEC.
 */
export type CommandFlag = 'write' | 'readonly' | 'denyoom' | 'admin' | 'noscript' | 'loading' | 'stale' | 'fast' | 'no_auth' | 'no_multi';

/** Redis' command groups, as `COMMAND DOCS` reports them. */
export type CommandGroup = 'connection' | 'generic' | 'string' | 'transactions' | 'server';

/** Runs one command; replies through `c.reply`. A promise holds the connection's later commands until it settles. */
export type CommandHandler = (c: RespConnection) => void | Promise<void>;

export interface CommandSpec {
  /** Lower case; subcommands as `config|get`. */
  readonly name: string;
  /** Redis arity: `n` exactly n words (command included), `-n` at least n. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** First key position, last key position (-1: the last argument), step; 0 0 0 for none. */
  readonly keys: readonly [number, number, number];
  readonly group: CommandGroup;
  /** Redis version that introduced the command (what clients compare against). */
  readonly since: string;
  readonly summary: string;
  /** Syntax after the command name, for the docs and `COMMAND DOCS`. */
  readonly syntax: string;
  readonly handler?: CommandHandler;
  readonly subcommands?: readonly CommandSpec[];
}
