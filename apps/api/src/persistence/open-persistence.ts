import type { ReplicaNode } from '@meshcache/sync-node';
import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/index.js';
import { DiskStore } from './disk-store.js';
import { restoreNode } from './restore-node.js';

/**
 * Restores `node` from `dir`, then logs every operation it applies from now on and snapshots it
 * periodically. Runs before any transport attaches: the engine accepts a restore only then.
 */
export const openPersistence = async (
  node: ReplicaNode,
  dir: string,
  config: Pick<ResolvedConfig, 'appendFsync' | 'snapshotIntervalMs' | 'snapshotAfterOps'>,
  logger: Logger,
): Promise<DiskStore> => {
  const warn = (message: string) => logger.warn({ dataDir: dir }, message);
  const store = new DiskStore({ dir, fsync: config.appendFsync, snapshotIntervalMs: config.snapshotIntervalMs, snapshotAfterOps: config.snapshotAfterOps, warn });
  const restored = await store.load();
  const outcome = restoreNode(node, restored.snapshot, restored.ops, warn);
  logger.info({ keys: node.cache.size, replayedOps: outcome.applied }, 'restored from disk');
  node.on('op', (op) => store.append(op));
  await store.start(() => node.snapshot());
  return store;
};
