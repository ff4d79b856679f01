import type { Hlc } from '@meshcache/sync-protocol';
import type { GraveCollection, ReplicaState } from './replica-state.js';

/** Graves dropped per pass, so one pass never stalls the node. */
const GRAVES_PER_PASS = 20_000;

export interface GraveCollectionView {
  state: ReplicaState;
  now: number;
  graceMs: number;
  /** Hard cap on graves kept; beyond it the oldest are collected before their grace ends. */
  maxGraves: number;
  /**
   * The oldest stamp a paused peer still holds back from us (its `holding`), or null: graves
   * stamped at or after it are kept past their grace, or the floor they raise would beat the
   * held writes when they arrive.
   */
  keepFrom: Hlc | null;
}

/**
 * Drops graves older than the grace period, whoever is away (Cassandra's gc_grace): a member
 * that comes back after a longer absence replaces its older state instead of merging it (see
 * `ReplicaNode`), and each collected grave raises the state's floor, so the older writes it was
 * beating still lose when they arrive late. A member that is linked but paused is not away: the
 * writes it holds back are owed to us, so the graves that could beat them wait for them. Beyond
 * `maxGraves`, the oldest go early, kept ones included (`early` counts them).
 */
export function collectExpiredGraves(view: GraveCollectionView): GraveCollection {
  return view.state.collectGraves(view.now - view.graceMs, view.maxGraves, GRAVES_PER_PASS, view.keepFrom);
}
