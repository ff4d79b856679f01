import type { RespConnection } from '../server/connection.js';
import type { CommandSpec } from './command-spec.js';

/** A command accepted between MULTI and EXEC: its spec (a subcommand's own) and a copy of its words. */
export interface QueuedCommand {
  readonly spec: CommandSpec;
  readonly argv: readonly string[];
}

/** A connection's open transaction. */
export interface Transaction {
  readonly queued: QueuedCommand[];
  /** A command was refused while queuing (unknown, arity, ...): EXEC then runs nothing. */
  dirty: boolean;
  /** What the queue holds, counted against maxCommandBytes (see `enqueue`). */
  bytes: number;
}

/** Counted per queued command on top of its words, so a queue of empty commands is bounded too. */
const QUEUED_OVERHEAD_BYTES = 64;

/** Run at once inside a transaction instead of being queued, as in Redis. */
export const RUN_IN_MULTI: ReadonlySet<string> = new Set(['exec', 'discard', 'quit']);

export const multi = (c: RespConnection): void => {
  c.transaction = { queued: [], dirty: false, bytes: 0 };
  c.reply.ok();
};

/**
 * Runs the queued commands one after the other with nothing in between: the store is
 * synchronous and every command of a transaction is (AUTH and HELLO, which may wait for a
 * password check, cannot be queued), so no other client's command interleaves on this node.
 */
export const exec = (c: RespConnection): void => {
  const transaction = c.transaction;
  if (transaction === null) {
    c.reply.error('ERR EXEC without MULTI');
    return;
  }
  c.transaction = null;
  if (transaction.dirty) {
    c.reply.error('EXECABORT Transaction discarded because of previous errors.');
    return;
  }
  c.reply.array(transaction.queued.length);
  for (const command of transaction.queued) c.runQueued(command.spec, command.argv);
};

export const discard = (c: RespConnection): void => {
  if (c.transaction === null) {
    c.reply.error('ERR DISCARD without MULTI');
    return;
  }
  c.transaction = null;
  c.reply.ok();
};

/** Optimistic locking would need every write of the cluster to be checked against it. */
export const watch = (c: RespConnection): void => {
  c.reply.error('ERR WATCH is not supported by meshcache: MULTI/EXEC runs its commands in one go on this node, without optimistic locking');
};

/**
 * Queues the command in `c.argv` (already checked by dispatch) and answers QUEUED. The queue is
 * held until EXEC, so it is bounded like one command: past maxCommandBytes (words counted in
 * UTF-16 units) it is dropped and EXEC will answer EXECABORT.
 */
export const enqueue = (c: RespConnection, transaction: Transaction, spec: CommandSpec): void => {
  const argv = c.argv.slice(0, c.argc);
  let bytes = QUEUED_OVERHEAD_BYTES;
  for (const word of argv) bytes += word.length;
  transaction.bytes += bytes;
  const max = c.host.limits.maxCommandBytes;
  if (transaction.bytes > max) {
    transaction.queued.length = 0;
    transaction.dirty = true;
    c.reply.error(`ERR transaction larger than maxCommandBytes (${max} bytes): discarded, EXEC will run nothing`);
    return;
  }
  transaction.queued.push({ spec, argv });
  c.reply.simple('QUEUED');
};
