import { compareHlc, type Hlc } from '@meshcache/sync-protocol';

/** Writes remembered by default: a clear scans at most this many keys (about a millisecond). */
export const RECENT_WRITES = 8192;

/**
 * The last `capacity` writes a store took (key and stamp), and the newest stamp of every write
 * before them. It answers, without a pass over the store, which entries may be newer than a
 * clear: all of them are among the remembered writes, unless an older write is newer than the
 * clear (`newerThan` answers null then). A clear made on this node, or one that reaches a peer
 * within the last `capacity` writes there, is decided from this alone.
 *
 * Removals are not recorded: a remembered key may be gone or overwritten since, so the caller
 * checks each candidate against the store. One compare and two array writes per write.
 */
export class RecentWrites {
  private readonly keys: (string | undefined)[];
  private readonly stamps: (Hlc | undefined)[];
  private next = 0;
  private count = 0;
  /** The newest stamp among writes no longer remembered (null: none, or all were cleared). */
  private forgottenMax: Hlc | null = null;

  constructor(private readonly capacity: number = RECENT_WRITES) {
    this.keys = new Array<string | undefined>(capacity);
    this.stamps = new Array<Hlc | undefined>(capacity);
  }

  note(key: string, hlc: Hlc): void {
    if (this.capacity === 0) {
      this.forget(hlc);
      return;
    }
    if (this.count === this.capacity) this.forget(this.stamps[this.next] as Hlc);
    else this.count++;
    this.keys[this.next] = key;
    this.stamps[this.next] = hlc;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  /**
   * The remembered keys written with a stamp newer than `hlc` (each once), a superset of the
   * store's entries newer than `hlc`; null when a forgotten write may be newer.
   */
  newerThan(hlc: Hlc): string[] | null {
    if (this.forgottenMax !== null && compareHlc(this.forgottenMax, hlc) > 0) return null;
    const out = new Set<string>();
    for (let i = 0; i < this.count; i++) {
      if (compareHlc(this.stamps[i] as Hlc, hlc) > 0) out.add(this.keys[i] as string);
    }
    return [...out];
  }

  /** The store was emptied: nothing written before can be newer than anything. */
  reset(): void {
    this.keys.fill(undefined);
    this.stamps.fill(undefined);
    this.next = 0;
    this.count = 0;
    this.forgottenMax = null;
  }

  private forget(hlc: Hlc): void {
    if (this.forgottenMax === null || compareHlc(hlc, this.forgottenMax) > 0) this.forgottenMax = hlc;
  }
}
