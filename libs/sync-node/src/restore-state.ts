import { NodeSnapshotSchema, OperationSchema, nodeIdOfOrigin, type NodeSnapshotInput, type Operation } from '@meshcache/sync-protocol';
import type { HybridClock } from './hybrid-clock.js';
import type { ReplicaState } from './replica-state.js';
import { SyncError } from './sync-error.js';
import { VersionVector } from './version-vector.js';

export interface RestoreTarget {
  nodeId: string;
  state: ReplicaState;
  vv: VersionVector;
  clock: HybridClock;
  now: number;
}

export interface RestoreOutcome {
  applied: number;
  skipped: number;
  /** Cluster members named by the snapshot. */
  members: string[];
  /** Per origin, the highest operation restored beyond what the vector claims (replayed past its gap-free run, or in the snapshot): held, not claimed. */
  unclaimed: [string, number][];
}

/**
 * Loads a snapshot and replays the operation log written after it. The version vector only
 * advances over gap-free runs of sequence numbers: an operation rebuilt from a peer's snapshot
 * proves nothing about the ones before it, and overstating the vector would lose writes.
 */
export function restoreState(target: RestoreTarget, snapshot: NodeSnapshotInput | undefined, ops: Operation[]): RestoreOutcome {
  const { state, vv, clock, now } = target;
  let members: string[] = [];
  /** Per origin, the highest operation whose state was restored (claimed or not). */
  const held = new Map<string, number>();
  const hold = (origin: string, seq: number) => {
    if (seq > (held.get(origin) ?? 0)) held.set(origin, seq);
  };
  if (snapshot !== undefined) {
    const parsed = NodeSnapshotSchema.safeParse(snapshot);
    if (!parsed.success) {
      throw new SyncError('INVALID_SNAPSHOT', `snapshot does not match the schema: ${parsed.error.issues[0]?.message}`);
    }
    if (parsed.data.nodeId !== target.nodeId) {
      throw new SyncError('INVALID_SNAPSHOT', `snapshot belongs to node ${parsed.data.nodeId}, not ${target.nodeId}`, { snapshotOf: parsed.data.nodeId });
    }
    state.merge(parsed.data, now);
    vv.adoptFolds(parsed.data.folded);
    vv.merge(VersionVector.fromPairs(parsed.data.vv));
    // Everything stamped counts: a watermark from a clock that ran ahead must show as the clock
    // running ahead (the node then recovers from it), not silently swallow later writes.
    const { entries, tombstones, watermark, strategy } = parsed.data;
    // A snapshot of this node may hold state its vector did not claim when it was taken (see
    // UnclaimedState): it is still held without a claim after the restart (seed 121692).
    for (const item of [...entries, ...tombstones, ...(watermark === null ? [] : [watermark]), ...(strategy.stamp === null ? [] : [strategy.stamp])]) {
      clock.advanceTo(item.hlc);
      hold(item.hlc.node, item.seq);
    }
    members = parsed.data.members;
    // Collected deletes stay collected: older writes for absent keys still lose after a restart.
    if (parsed.data.floor !== null) state.raiseFloorTo(parsed.data.floor);
  }
  let applied = 0;
  let skipped = 0;
  const seqsByOrigin = new Map<string, Set<number>>();
  for (const raw of ops) {
    const parsed = OperationSchema.safeParse(raw);
    if (!parsed.success || parsed.data.hlc.node !== parsed.data.origin) {
      skipped++;
      continue;
    }
    const op = parsed.data;
    state.applyOperation(op, now);
    clock.advanceTo(op.hlc);
    let seqs = seqsByOrigin.get(op.origin);
    if (seqs === undefined) seqsByOrigin.set(op.origin, (seqs = new Set()));
    seqs.add(op.seq);
    applied++;
  }
  for (const [origin, seqs] of seqsByOrigin) {
    let seq = vv.get(origin);
    while (seqs.has(seq + 1)) seq++;
    vv.set(origin, seq);
    // A loop, not Math.max(...seqs): a log holds millions of one origin's operations.
    for (const s of seqs) hold(origin, s);
  }
  const unclaimed: [string, number][] = [];
  for (const [origin, seq] of held) if (!vv.covers(origin, seq)) unclaimed.push([origin, seq]);
  return { applied, skipped, members, unclaimed };
}

/**
 * The origin for this start: a restored log may already hold the default one (the clock went
 * back since an earlier start), and reusing it would give two different writes the same id.
 */
export function freshOrigin(nodeId: string, defaultIncarnation: string, vv: VersionVector): string {
  // Above every incarnation folded too: a folded origin counts as fully applied.
  let incarnation = Math.max(parseInt(defaultIncarnation, 36), vv.foldedBelowOf(nodeId));
  for (const origin of vv.origins()) {
    if (nodeIdOfOrigin(origin) !== nodeId) continue;
    const other = parseInt(origin.slice(origin.lastIndexOf('#') + 1), 36);
    if (other >= incarnation) incarnation = other + 1;
  }
  return `${nodeId}#${incarnation.toString(36)}`;
}
