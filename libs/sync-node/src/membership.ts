import type { PeerAddress, PeerInfo } from '@meshcache/sync-protocol';
import type { PeerAddressEvent } from './node-types.js';
import { PeerLink } from './peer-link.js';
import type { VersionVector } from './version-vector.js';

/** Most peers one node keeps (the heartbeat's and gossip's schema cap): more are ignored until some are forgotten. */
export const MAX_MEMBERS = 1000;

/** What membership needs from its node. */
export interface MembershipHost {
  readonly nodeId: string;
  /** The URL this node advertises; set by the transport, possibly after construction. */
  selfUrl(): string | null;
  /** The peer list changed. */
  nodesChanged(): void;
  peerAddress(event: PeerAddressEvent): void;
  /** An address is no longer worth dialing (its node was forgotten or moved). */
  addressForgotten(event: PeerAddressEvent): void;
}

/**
 * Who is in the cluster: one `PeerLink` per peer this node has talked to or heard of (from
 * options, a handshake or gossiped addresses), and the addresses gossiped between nodes. At
 * most MAX_MEMBERS of each; a peer silent for `forgetMemberAfterMs` is forgotten.
 */
export class Membership {
  readonly links = new Map<string, PeerLink>();
  private readonly knownUrls = new Map<string, string>();
  /** When each link was created, for peers never heard from. */
  private readonly learnedAt = new Map<string, number>();

  constructor(
    private readonly host: MembershipHost,
    private readonly now: () => number,
  ) {}

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
      this.learnedAt.set(nodeId, this.now());
    }
    return link;
  }

  /** Records that `nodeId` belongs to the cluster, as a peer that is down until it connects. */
  learnMember(nodeId: string): void {
    if (nodeId === this.host.nodeId || this.links.has(nodeId) || this.links.size >= MAX_MEMBERS) return;
    this.linkFor(nodeId);
    this.host.nodesChanged();
  }

  learnAddress(nodeId: string, url: string): void {
    const old = this.knownUrls.get(nodeId);
    if (old === url) return;
    if (!this.links.has(nodeId) && this.links.size >= MAX_MEMBERS) return;
    this.knownUrls.set(nodeId, url);
    if (old !== undefined) this.host.addressForgotten({ nodeId, url: old });
    if (!this.links.has(nodeId)) {
      this.linkFor(nodeId).learnUrl(url);
      this.host.nodesChanged();
    }
    this.host.peerAddress({ nodeId, url });
  }

  /**
   * Forgets peers down and unheard of for `afterMs` (since their last message, or since they
   * were named if they never spoke), with their addresses: no tombstone waits for them, so
   * nothing is lost; if one comes back it is met again like a new peer. True on any change.
   */
  forgetSilent(now: number, afterMs: number): boolean {
    let changed = false;
    for (const [nodeId, link] of this.links) {
      if (link.sessions.length > 0 || now - (link.lastSeen ?? this.learnedAt.get(nodeId) ?? now) <= afterMs) continue;
      this.links.delete(nodeId);
      this.learnedAt.delete(nodeId);
      const url = this.knownUrls.get(nodeId);
      this.knownUrls.delete(nodeId);
      if (url !== undefined) this.host.addressForgotten({ nodeId, url });
      changed = true;
    }
    return changed;
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

  /** The address known for `nodeId`, if any. */
  urlOf(nodeId: string): string | undefined {
    return this.knownUrls.get(nodeId);
  }

  /** The link of the peer whose address is `url`, if one is known. */
  linkAt(url: string): PeerLink | undefined {
    for (const [nodeId, known] of this.knownUrls) if (known === url) return this.links.get(nodeId);
    return undefined;
  }

  knownPeers(): Map<string, string> {
    return new Map(this.knownUrls);
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
