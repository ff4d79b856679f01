import { compareHlc, type Hlc } from '@meshcache/sync-protocol';
import type { Backlog } from './backlog.js';
import type { PeerLink } from './peer-link.js';

/**
 * The writes this node holds back while its sync is off, as its peers must know of them.
 *
 * A held write keeps the stamp it was made with. A peer that collects a tombstone stamped after
 * it raises its floor past it, and then takes the write, when it finally arrives for a key the
 * peer does not hold, for one beaten by a forgotten delete: acknowledged, and dropped everywhere
 * but here. So while writes are held, every heartbeat names the oldest of them (`holding`), and
 * the peer keeps the tombstones that could beat them until we stop naming it: once the peer has
 * acknowledged every write made before sync was turned back on (an acknowledgement covers a
 * snapshot too, through the peer's version vector).
 */
export class HeldWrites {
  #from: Hlc | null = null;
  /** Our last operation when sync was turned back on; Infinity while it is off. */
  #through = Infinity;

  /** Sync turned off: `oldestUnsent` is the oldest stamp of what peers may now wait for. */
  pause(oldestUnsent: Hlc): void {
    // Still settling an earlier pause: its writes are older, and still owed.
    if (this.#from === null || compareHlc(oldestUnsent, this.#from) < 0) this.#from = oldestUnsent;
    this.#through = Infinity;
  }

  /** Sync turned back on, with `lastSeq` our last operation. */
  resume(lastSeq: number): void {
    if (this.#from !== null) this.#through = lastSeq;
  }

  /** What a heartbeat to a peer that has acknowledged our operations up to `acked` names. */
  holdingFor(acked: number): Hlc | undefined {
    return this.#from !== null && acked < this.#through ? this.#from : undefined;
  }

  /** Forgets the hold once every linked peer has acknowledged the last held write. */
  settle(links: Iterable<PeerLink>): void {
    if (this.#from === null || this.#through === Infinity) return;
    for (const link of links) if (link.state !== 'down' && link.acked < this.#through) return;
    this.#from = null;
  }
}

/**
 * The oldest stamp a peer may wait for from now on: our next write is stamped after `clock`, and
 * the operations a linked peer has not acknowledged are older (the oldest kept, when the backlog
 * no longer reaches back to them: a snapshot then carries them).
 */
export function oldestUnsent(clock: Hlc, backlog: Backlog, links: Iterable<PeerLink>): Hlc {
  let oldest = clock;
  for (const link of links) {
    if (link.state === 'down' || link.acked >= backlog.lastSeq) continue;
    const stamp = backlog.stampOf(Math.max(link.acked + 1, backlog.firstSeq));
    if (stamp !== undefined && compareHlc(stamp, oldest) < 0) oldest = stamp;
  }
  return oldest;
}

/** The oldest stamp any member still holds back from us (see `PeerLink.holding`), or null. */
export function keepGravesFrom(links: Iterable<PeerLink>): Hlc | null {
  let oldest: Hlc | null = null;
  for (const link of links) if (link.holding !== null && (oldest === null || compareHlc(link.holding, oldest) < 0)) oldest = link.holding;
  return oldest;
}
