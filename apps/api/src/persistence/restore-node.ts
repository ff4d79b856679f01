import { SyncError, type ReplicaNode } from '@meshcache/sync-node';

type Snapshot = Parameters<ReplicaNode['restore']>[0];
type Ops = Parameters<ReplicaNode['restore']>[1];

/**
 * Loads what the disk held into a fresh node. A snapshot the engine rejects (wrong node, wrong
 * shape) costs its content, not the start: the node comes up from the logged operations and
 * its peers, with a warning. Operations that fail validation are skipped and counted.
 */
export const restoreNode = (node: ReplicaNode, snapshot: unknown, ops: unknown[], warn: (message: string) => void): { applied: number; skipped: number } => {
  let outcome: { applied: number; skipped: number };
  try {
    outcome = node.restore(snapshot as Snapshot, ops as Ops);
  } catch (error) {
    if (!(error instanceof SyncError) || error.code !== 'INVALID_SNAPSHOT') throw error;
    warn(`snapshot.json ignored: ${error.message}; restoring from the operation log only`);
    outcome = node.restore(undefined, ops as Ops);
  }
  if (outcome.skipped > 0) warn(`${outcome.skipped} logged operation(s) failed validation and were skipped`);
  return outcome;
};
