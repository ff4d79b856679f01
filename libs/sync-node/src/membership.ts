import type { PeerAddress, PeerInfo } from '@meshcache/sync-protocol';
import type { PeerAddressEvent } from './node-types.js';
import { PeerLink } from './peer-link.js';
import type { VersionVector } from './version-vector.js';

/** What membership needs from its node. */
export interface MembershipHost {
  readonly nodeId: string;
  /** The URL this node advertises; set by the transport, possibly after construction. */
  selfUrl(): string | null;
  /** The peer list changed. */
  nodesChanged(): void;
  peerAddress(event: PeerAddressEvent): void;
}

/**
 * Who is in the cluster: one `PeerLink` per peer this node has talked to or heard of (from
 * options, heartbeats, gossip or its own vector), the addresses gossiped between nodes, and
 * the seed addresses that have not answered yet.
 */
export class Membership {
  readonly links = new Map<string, PeerLink>();
  private readonly knownUrls = new Map<string, string>();
  private readonly unresolvedUrls = new Set<string>();

  constructor(private readonly host: MembershipHost) {}

  /** Every member's node id, this node first, as heartbeats spread it. */
  memberIds(): string[] {
    return [this.host.nodeId, ...this.links.keys()];
  }

  /** Every peer as the node list shows it; `applied` is this node's vector, to say how far behind each peer is. */
  nodes(mySeq: number, applied: VersionVector): PeerInfo[] {
    return [...this.links.values()].map((link) => {
      const info: PeerInfo = { ...link.info(mySeq), behind: link.behind(applied) };
      return link.snapshotting && link.snapshotProgress !== null ? { ...info, snapshot: { ...link.snapshotProgress } } : info;
    });
  }

  /** The link to `nodeId`, created when a peer connects before anyone named it. */
  linkFor(nodeId: string): PeerLink {
    let link = this.links.get(nodeId);
    if (link === undefined) {
      link = new PeerLink(nodeId);
      this.links.set(nodeId, link);
    }
    return link;
  }

  /** Records that `nodeId` belongs to the cluster, as a peer that is down until it connects. */
  learnMember(nodeId: string): void {
    if (nodeId === this.host.nodeId || this.links.has(nodeId)) return;
    this.links.set(nodeId, new PeerLink(nodeId));
    this.host.nodesChanged();
  }

  learnAddress(nodeId: string, url: string): void {
    if (this.knownUrls.get(nodeId) === url) return;
    this.knownUrls.set(nodeId, url);
    if (!this.links.has(nodeId)) {
      this.linkFor(nodeId).learnUrl(url);
      this.host.nodesChanged();
    }
    this.host.peerAddress({ nodeId, url });
  }

  /** Gossiped addresses: ignores our own entry, which peers echo back. */
  learnAddresses(peers: PeerAddress[]): void {
    for (const peer of peers) {
      if (peer.nodeId !== this.host.nodeId) this.learnAddress(peer.nodeId, peer.url);
    }
  }

  /** What we gossip: every address we know, ours included. */
  addressList(): PeerAddress[] {
    const out = [...this.knownUrls].map(([nodeId, url]) => ({ nodeId, url }));
    const selfUrl = this.host.selfUrl();
    if (selfUrl !== null) out.push({ nodeId: this.host.nodeId, url: selfUrl });
    return out;
  }

  knownPeers(): Map<string, string> {
    return new Map(this.knownUrls);
  }

  expectUrls(urls: string[]): void {
    for (const url of urls) if (url !== this.host.selfUrl()) this.unresolvedUrls.add(url);
  }

  /** A seed address answered (as a peer, or as this node itself). */
  urlResolved(url: string): void {
    this.unresolvedUrls.delete(url);
  }

  /**
   * A node that never met a peer, or has seed peers it never reached, cannot know who else
   * holds older writes.
   */
  isolated(): boolean {
    return this.links.size === 0 || this.unresolvedUrls.size > 0;
  }

  /** Moves each link to `down`, `suspect` or `up` by how recently its peer was heard; true on any change. */
  updateLiveness(now: number, suspectAfterMs: number): boolean {
    let changed = false;
    for (const link of this.links.values()) {
      if (link.updateLiveness(now, suspectAfterMs)) changed = true;
    }
    return changed;
  }
}
