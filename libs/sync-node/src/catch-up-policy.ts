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
 * The peer has what a snapshot was to bring it: our own operations past the backlog's reach (as
 * it acknowledged them, not as far as we sent them: a snapshot it dropped was sent too) and
 * everything no live stream brings it.
 */
export function snapshotRepaired(link: PeerLink, self: CatchUpView): boolean {
  if (link.acked < self.vv.get(self.origin) && !self.backlog.reachesBack(link.acked)) return false;
  return !peerLacksUnstreamable(link, self);
}

/**
 * True while the peer fills itself from another node: it holds no other node's write yet and
 * asked someone else (not us) for its first snapshot, less than `waitMs` after our stream to it
 * attached. A snapshot of ours now would be its second one for the same repair: once the first
 * is installed its heartbeat shows what it still lacks, and the stream goes on from there.
 */
export function bootstrapsFromAnother(link: PeerLink, now: number, waitMs: number): boolean {
  if (link.wantsSnapshot || now - link.attachedAt >= waitMs) return false;
  for (const origin of link.peerVv.origins()) if (nodeIdOfOrigin(origin) !== link.nodeId && link.peerVv.get(origin) > 0) return false;
  return !link.peerVv.foldedPairs().some(([nodeId]) => nodeId !== link.nodeId);
}

/**
 * True when the peer misses operations that no live stream will bring it: it asked us for its
 * first snapshot and lacks more of some node's writes than a backlog holds (a gap a backlog
 * covers is streamed by that node: catch-up costs what was missed), or it lacks writes of a previous incarnation of us
 * or of itself, or of a node that is not connected to us (gone for good, or restarted under a
 * new origin): only state can carry those.
 */
export function peerLacksUnstreamable(link: PeerLink, self: CatchUpView): boolean {
  const peerVv = link.peerVv;
  for (const origin of self.vv.origins()) {
    const owner = nodeIdOfOrigin(origin);
    if (peerVv.covers(origin, self.vv.get(origin)) || origin === link.origin) continue;
    if (link.wantsSnapshot && owner !== link.nodeId && self.vv.get(origin) - peerVv.get(origin) > self.backlog.capacity) return true;
    if (origin !== self.origin && (owner === self.nodeId || owner === link.nodeId)) return true;
    if (owner !== self.nodeId && owner !== link.nodeId && !self.streamable(origin)) return true;
  }
  return false;
}

/**
 * The earlier incarnations of this node whose last writes the peer lacks, each with what the
 * peer has of it, when they are all it lacks that no stream brings and our own stream reaches
 * back: a restart under a new origin after the writes applied just before a `kill -9` never went
 * out. Such a gap is repaired with a snapshot of only those writes (the tail), not of the whole
 * state once per peer. Null when anything else calls for a snapshot.
 */
export function ownPastTail(link: PeerLink, self: CatchUpView): Map<string, number> | null {
  if (link.wantsSnapshot) return null;
  if (link.sent < self.vv.get(self.origin) && !self.backlog.reachesBack(link.sent)) return null;
  const tail = new Map<string, number>();
  for (const origin of self.vv.origins()) {
    const owner = nodeIdOfOrigin(origin);
    const theirs = link.peerVv.get(origin);
    if (link.peerVv.covers(origin, self.vv.get(origin)) || origin === link.origin || origin === self.origin) continue;
    if (owner === self.nodeId) tail.set(origin, theirs);
    else if (owner === link.nodeId || !self.streamable(origin)) return null;
  }
  return tail.size > 0 ? tail : null;
}
