import { nodeIdOfOrigin } from '@meshcache/sync-protocol';
import type { PeerLink } from './peer-link.js';
import type { VersionVector } from './version-vector.js';

/**
 * The one peer a new node asks for its first snapshot, so it is not flooded by all of them.
 * Once the node holds any other node's write, it asks no one.
 */
export class BootstrapPeer {
  private peer: string | null = null;

  constructor(
    private readonly nodeId: string,
    private readonly vv: VersionVector,
  ) {}

  wantsSnapshotFrom(nodeId: string): boolean {
    if (!this.holdsNothingFromOthers()) {
      this.peer = null;
      return false;
    }
    if (this.peer === null) this.peer = nodeId;
    return this.peer === nodeId;
  }

  /** The chosen peer's stream link is gone: the next peer to connect is asked instead. */
  releaseIfGone(links: ReadonlyMap<string, PeerLink>): void {
    if (this.peer !== null && links.get(this.peer)?.primary == null) this.peer = null;
  }

  /** A new node: it has applied no write of any other node yet. */
  private holdsNothingFromOthers(): boolean {
    for (const origin of this.vv.origins()) {
      if (nodeIdOfOrigin(origin) !== this.nodeId && this.vv.get(origin) > 0) return false;
    }
    return !this.vv.foldedPairs().some(([nodeId]) => nodeId !== this.nodeId);
  }
}
