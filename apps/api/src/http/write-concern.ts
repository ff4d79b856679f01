import { DEFAULT_WRITE_CONCERN_TIMEOUT_MS, type WriteConcernQuery, type WriteConcernResult } from '@meshcache/api-contract';
import type { ServerContext } from '../server/context.js';

/** True when the write asked for more than the server's default durability. */
export const asksForMore = (concern: WriteConcernQuery): boolean => concern.durability !== undefined || (concern.acks ?? 0) > 0;

/** Why this node can never meet `concern`, or undefined. Checked before the write is applied. */
export const unmeetable = (ctx: ServerContext, concern: WriteConcernQuery): string | undefined =>
  concern.durability === 'fsync' && ctx.config.dataDir === undefined ? 'durability=fsync needs DATA_DIR: this node keeps no operation log' : undefined;

/**
 * Waits, at most `timeoutMs` in all, for the operation log to be fsynced (with APPEND_FSYNC=always
 * it already is) and for `acks` peers to acknowledge the write `seq`; both run at once.
 */
export const awaitWriteConcern = async (ctx: ServerContext, seq: number, concern: WriteConcernQuery): Promise<WriteConcernResult> => {
  const timeoutMs = concern.timeoutMs ?? DEFAULT_WRITE_CONCERN_TIMEOUT_MS;
  const wantedAcks = concern.acks ?? 0;
  const store = ctx.persistence.store;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const fsync = async (): Promise<boolean> => {
    if (concern.durability !== 'fsync' || store === undefined) return store !== undefined && ctx.config.appendFsync === 'always';
    if (ctx.config.appendFsync === 'always') return true;
    return (await store.flush()).ok;
  };
  const [fsynced, acks] = await Promise.all([
    Promise.race([fsync(), deadline]),
    wantedAcks > 0 ? ctx.node.waitForAcks(seq, wantedAcks, timeoutMs) : Promise.resolve(0),
  ]);
  clearTimeout(timer);
  const met = (concern.durability !== 'fsync' || fsynced) && acks >= wantedAcks;
  return { met, fsynced, acks };
};
