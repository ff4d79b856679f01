import type { PeerLink } from './peer-link.js';
import type { ReplicaState } from './replica-state.js';
import type { VersionVector } from './version-vector.js';

/** Graves dropped per pass, so one pass never stalls the node. */
const GRAVES_PER_PASS = 20_000;

export interface GraveCollectionView {
  state: ReplicaState;
  /** What this node has applied. */
  vv: VersionVector;
  /** Every peer this node knows of, connected or not. */
  links: PeerLink[];
  /** No peer met yet, or seed peers never reached: someone unknown may hold older writes. */
  isolated: boolean;
  now: number;
  graceMs: number;
  isolatedGraceMs: number;
}

/**
 * Drops graves nothing can beat any more: old enough, and every peer this node knows of
 * (connected, or named by an origin in our vector) has reported being past them.
 */
export function collectSettledGraves(view: GraveCollectionView): void {
  const { links } = view;
  const oldest = view.now - (view.isolated ? view.isolatedGraceMs : view.graceMs);
  for (const link of links) if (!link.caughtUpWith(view.vv)) return;
  view.state.collectGraves((grave) => grave.at <= oldest && links.every((link) => link.passedGrave(grave)), GRAVES_PER_PASS);
}
