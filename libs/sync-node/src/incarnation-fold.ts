import { nodeIdOfOrigin } from '@meshcache/sync-protocol';
import type { PeerLink } from './peer-link.js';
import { incarnationOf, type VersionVector } from './version-vector.js';

/** One node's dead incarnations that may leave the version vector now. */
export interface Fold {
  nodeId: string;
  /** Every incarnation of `nodeId` below this one is folded. */
  below: number;
  /** The listed origins it removes. */
  origins: string[];
}

/**
 * Dead incarnations every member has applied in full, which this node may fold out of its
 * version vector (each restart adds an origin that would otherwise stay forever). An origin
 * `n#i` folds when:
 * - every known member is up, speaks folds, and has reported its vector: one away (or an older
 *   build) may still lack it, or would take its absence for a gap and send snapshots;
 * - `n` is this node or a member now running a later incarnation, which every member is linked
 *   to (a twin with `n`'s id would be named by some instead), so `n#i` never writes again;
 * - this node and every member list it at the same seq, or folded it already (equal seqs
 *   everywhere, the owner's included, is all of it that exists);
 * - every earlier incarnation of `n` any of them lists folds too (the marker is one bound per
 *   node id, so folds go in incarnation order).
 */
export function foldable(self: { nodeId: string; origin: string; vv: VersionVector }, links: Iterable<PeerLink>): Fold[] {
  const members = [...links];
  if (members.length === 0 || members.some((l) => l.state !== 'up' || l.origin === null || !l.speaksFolds)) return [];
  const live = new Map<string, number | null>([[self.nodeId, incarnationOf(self.origin)]]);
  for (const link of members) live.set(link.nodeId, incarnationOf(link.origin as string));
  const listed = new Map<string, Set<string>>();
  const consider = (origin: string) => {
    const nodeId = nodeIdOfOrigin(origin);
    if (!live.has(nodeId) || self.vv.isFolded(origin)) return;
    let set = listed.get(nodeId);
    if (set === undefined) listed.set(nodeId, (set = new Set()));
    set.add(origin);
  };
  for (const origin of self.vv.origins()) consider(origin);
  for (const link of members) for (const origin of link.peerVv.origins()) consider(origin);
  const folds: Fold[] = [];
  for (const [nodeId, origins] of listed) {
    const liveIncarnation = live.get(nodeId);
    if (liveIncarnation === null || liveIncarnation === undefined) continue;
    // A twin (a second node with this id) would make members name different live incarnations:
    // only when all name the same one is every other incarnation surely dead.
    const liveOrigin = nodeId === self.nodeId ? self.origin : (members.find((l) => l.nodeId === nodeId)?.origin as string);
    if (!members.every((l) => l.nodeId === nodeId || l.peerLive.get(nodeId) === liveOrigin)) continue;
    const ordered = [...origins].map((origin) => ({ origin, incarnation: incarnationOf(origin) })).sort((a, b) => (a.incarnation ?? Infinity) - (b.incarnation ?? Infinity));
    const fold: Fold = { nodeId, below: 0, origins: [] };
    for (const { origin, incarnation } of ordered) {
      if (incarnation === null || incarnation >= liveIncarnation) break;
      const seq = self.vv.get(origin);
      if (seq === 0 || !members.every((l) => l.peerVv.isFolded(origin) || l.peerVv.get(origin) === seq)) break;
      fold.below = incarnation + 1;
      fold.origins.push(origin);
    }
    if (fold.origins.length > 0) folds.push(fold);
  }
  return folds;
}
