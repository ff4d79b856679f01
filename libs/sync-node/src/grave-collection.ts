import type { ReplicaState } from './replica-state.js';

/** Graves dropped per pass, so one pass never stalls the node. */
const GRAVES_PER_PASS = 20_000;

export interface GraveCollectionView {
  state: ReplicaState;
  now: number;
  graceMs: number;
  /** Hard cap on graves kept; beyond it the oldest are collected before their grace ends. */
  maxGraves: number;
}

/**
 * Drops graves older than the grace period, whoever is away (Cassandra's gc_grace): a member
 * that comes back after a longer absence replaces its older state instead of merging it (see
 * `ReplicaNode`), and each collected grave raises the state's floor, so the older writes it was
 * beating still lose when they arrive late. Beyond `maxGraves`, the oldest go early.
 */
export function collectExpiredGraves(view: GraveCollectionView): number {
  return view.state.collectGraves(view.now - view.graceMs, view.maxGraves, GRAVES_PER_PASS);
}
