import { strategyLabel } from '@meshcache/api-contract';
import { SyncError, type ReplicaNode } from '@meshcache/sync-node';
import { CorruptDataError, type RestoredState } from './disk-store.js';

type Snapshot = Parameters<ReplicaNode['restore']>[0];
type Ops = Parameters<ReplicaNode['restore']>[1];

/**
 * Loads what the disk held into a fresh node. A snapshot that passed its checksum but that the
 * engine rejects (another node's, from a NODE_ID that changed; a shape this build does not read)
 * stops the start with CorruptDataError: started without it, the node's first snapshot would
 * replace it and its data would be gone for good (it used to be ignored with a warning). With
 * `discardCorruptData` the node comes up from the logged operations and its peers, with a
 * warning, and `ignoredSnapshot` tells the caller to move the file aside. Operations that fail
 * validation are skipped and counted.
 */
export const restoreNode = (
  node: ReplicaNode,
  restored: Pick<RestoredState, 'snapshot' | 'snapshotFile' | 'ops'>,
  warn: (message: string) => void,
  discardCorruptData = false,
): { applied: number; skipped: number; ignoredSnapshot: boolean } => {
  let outcome: { applied: number; skipped: number };
  let ignoredSnapshot = false;
  const configured = node.cache.strategy;
  const evictedBefore = node.cache.stats().evictions;
  const file = restored.snapshotFile ?? 'the snapshot';
  try {
    outcome = node.restore(restored.snapshot as Snapshot, restored.ops as Ops);
  } catch (error) {
    if (!(error instanceof SyncError) || error.code !== 'INVALID_SNAPSHOT') throw error;
    const foreign = error.snapshotOf;
    if (!discardCorruptData) {
      const remedy =
        foreign === undefined
          ? 'Restore DATA_DIR from a backup or run the build that wrote it'
          : `This DATA_DIR holds node ${foreign}'s data: start this node with NODE_ID=${foreign} (or without NODE_ID, which reads DATA_DIR/node-id), or give NODE_ID ${node.nodeId} a DATA_DIR of its own`;
      throw new CorruptDataError(`${file} cannot be restored: ${error.message}. Nothing was changed. ${remedy}, or start with --discard-corrupt-data (DISCARD_CORRUPT_DATA=true) to start without it and let peers fill in the rest.`);
    }
    warn(`${file} not restored (--discard-corrupt-data): ${error.message}; restoring from the operation log only`);
    outcome = node.restore(undefined, restored.ops as Ops);
    ignoredSnapshot = true;
  }
  if (outcome.skipped > 0) warn(`${outcome.skipped} logged operation(s) failed validation and were skipped`);
  warnMisfit(node, configured, node.cache.stats().evictions - evictedBefore, warn);
  return { ...outcome, ignoredSnapshot };
};

/**
 * Settings that do not match the data are obeyed or overruled, but never silently: a smaller
 * CACHE_CAPACITY (or byte budget) evicts at restore what no longer fits, for good once the next
 * snapshot is written, and the strategy is the cluster's replicated choice, not CACHE_STRATEGY.
 */
const warnMisfit = (node: ReplicaNode, configured: ReplicaNode['cache']['strategy'], evicted: number, warn: (message: string) => void): void => {
  if (evicted > 0) {
    warn(
      `${evicted} entr${evicted === 1 ? 'y' : 'ies'} of DATA_DIR did not fit the cache (CACHE_CAPACITY ${node.cache.capacity}, or CACHE_MAX_BYTES) and ${evicted === 1 ? 'was' : 'were'} evicted at restore, least valuable first; the next snapshot makes that final (stop the node and raise the limit to keep them)`,
    );
  }
  if (node.cache.strategy !== configured) {
    warn(`CACHE_STRATEGY (${strategyLabel(configured)}) not applied: DATA_DIR's data runs ${strategyLabel(node.cache.strategy)}, the strategy the cluster last chose; POST /api/strategy changes it on every node`);
  }
};
