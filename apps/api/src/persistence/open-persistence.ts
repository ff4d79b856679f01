import type { ReplicaNode } from '@meshcache/sync-node';
import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/index.js';
import type { DiskState } from './disk-probe.js';
import { DiskStore } from './disk-store.js';
import { fsyncTrace } from './fsync-trace.js';
import { BatchedArray } from './json-chunks.js';
import type { DiskFault } from './op-log-writer.js';
import { restoreNode } from './restore-node.js';

/**
 * Entries read from the cache per pull while a snapshot is written. A pull is one synchronous
 * step inside a serialisation slice, so it stays small: 2000 entries took 5-20 ms of the soak's
 * CPU at once, beside the slice's own 4 ms.
 */
export const SNAPSHOT_BATCH = 256;

/**
 * The node's snapshot with its entries read batch by batch while it is written. The log rotates
 * at the moment the head is taken; operations logged meanwhile are replayed on top at restore.
 */
export const batchedSnapshot = (node: ReplicaNode): unknown => {
  const { head, entries } = node.snapshotInBatches(SNAPSHOT_BATCH);
  return { ...head, entries: new BatchedArray(entries) };
};

/** The message a refused write carries to its client. */
export const diskFaultMessage = (fault: DiskFault): string =>
  `The write was not applied: this node cannot log it (${fault.code}: ${fault.message}) and is read-only until its disk takes writes again`;

/**
 * Restores `node` from `dir`, then makes the store the node's journal: every operation, local or
 * from a peer, is logged before it is applied (see ReplicaNode.setJournal), and periodic
 * snapshots compact the log. Runs before any transport attaches: the engine accepts a restore
 * only then. `onDiskState` hears the disk turn read-only and writable again (the server makes
 * it the `/health` problem `disk-read-only`, which also logs it).
 */
export const openPersistence = async (
  node: ReplicaNode,
  dir: string,
  config: Pick<ResolvedConfig, 'appendFsync' | 'snapshotIntervalMs' | 'snapshotAfterOps' | 'discardCorruptData' | 'diskProbeIntervalMs' | 'fsyncTraceFile'>,
  logger: Logger,
  onDiskState: (state: DiskState) => void = () => undefined,
): Promise<DiskStore> => {
  const warn = (message: string) => logger.warn({ dataDir: dir }, message);
  const store = new DiskStore({
    dir,
    fsync: config.appendFsync,
    snapshotIntervalMs: config.snapshotIntervalMs,
    snapshotAfterOps: config.snapshotAfterOps,
    discardCorruptData: config.discardCorruptData,
    probeIntervalMs: config.diskProbeIntervalMs,
    warn,
    onDiskState,
    onDurable: config.fsyncTraceFile === undefined ? undefined : fsyncTrace(config.fsyncTraceFile),
    exclusive: true,
  });
  const restored = await store.load();
  let outcome: ReturnType<typeof restoreNode>;
  try {
    outcome = restoreNode(node, restored, warn, config.discardCorruptData);
  } catch (error) {
    await store.close();
    throw error;
  }
  if (outcome.ignoredSnapshot && restored.snapshotFile !== undefined) await store.setAside(restored.snapshotFile);
  logger.info({ keys: node.cache.size, replayedOps: outcome.applied }, 'restored from disk');
  node.setJournal((op) => {
    const logged = store.append(op);
    return logged.ok ? logged : { ok: false, message: diskFaultMessage(logged.fault) };
  });
  await store.start(() => batchedSnapshot(node));
  // Dropped state is no operation in the log: without a snapshot now, a kill -9 brought it back
  // from the log (a clock fault's future writes, found by the chaos harness). A peer's snapshot
  // claims its vector, which is no operation either: without a snapshot now, a restarted node
  // would hold state it does not claim (simulation seed 14258).
  const snapshotSoon = (after: string) => void store.snapshotNow().catch((e: Error) => warn(`snapshot after ${after} failed: ${e.message}`));
  node.on('state-replaced', () => snapshotSoon('a state replacement'));
  node.on('snapshot-installed', ({ from }) => snapshotSoon(`installing ${from}'s snapshot`));
  return store;
};
