import { nodeIdOfOrigin } from '@meshcache/sync-protocol';
import type { Backlog } from './backlog.js';
import type { PeerLink } from './peer-link.js';
import type { VersionVector } from './version-vector.js';

/** What the catch-up decision needs to know about this node. */
export interface CatchUpView {
  nodeId: string;
  origin: string;
  vv: VersionVector;
  backlog: Backlog;
  /** True when `origin` is the live incarnation of a node currently connected to this one. */
  streamable(origin: string): boolean;
}

/** Full snapshot rather than operations from the backlog? */
export function needsSnapshot(link: PeerLink, self: CatchUpView): boolean {
  const theirs = link.sent;
  if (theirs < self.vv.get(self.origin) && !self.backlog.reachesBack(theirs)) return true;
  return peerLacksUnstreamable(link, self);
}

/**
 * True when the peer misses operations that no live stream will bring it: it asked us for its
 * first snapshot and we hold others' writes, or it lacks writes of a previous incarnation of us
 * or of itself, or of a node that is not connected to us (gone for good, or restarted under a
 * new origin): only state can carry those.
 */
export function peerLacksUnstreamable(link: PeerLink, self: CatchUpView): boolean {
  const peerVv = link.peerVv;
  for (const origin of self.vv.origins()) {
    const owner = nodeIdOfOrigin(origin);
    if (self.vv.get(origin) <= peerVv.get(origin) || origin === link.origin) continue;
    if (link.wantsSnapshot && owner !== link.nodeId) return true;
    if (origin !== self.origin && (owner === self.nodeId || owner === link.nodeId)) return true;
    if (owner !== self.nodeId && owner !== link.nodeId && !self.streamable(origin)) return true;
  }
  return false;
}
