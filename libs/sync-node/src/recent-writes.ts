import { compareHlcParts, type Hlc } from '@meshcache/sync-protocol';

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
 * checks each candidate against the store. A few array writes per write, and no object: the
 * stamps are kept taken apart (numbers in typed arrays), so remembering a write keeps only its
 * key alive, not its stamp (see Backlog for why that matters).
 */
export class RecentWrites {
  private readonly keys: (string | undefined)[];
  private readonly walls: Float64Array;
  private readonly logicals: Float64Array;
  private readonly nodes: (string | undefined)[];
  private next = 0;
  private count = 0;
  /** The newest stamp among writes no longer remembered (forgottenNode null: none, or all were cleared). */
  private forgottenWall = 0;
  private forgottenLogical = 0;
  private forgottenNode: string | null = null;

  constructor(private readonly capacity: number = RECENT_WRITES) {
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.walls = new Float64Array(capacity);
    this.logicals = new Float64Array(capacity);
    this.nodes = new Array<string | undefined>(capacity).fill(undefined);
  }

  note(key: string, hlc: Hlc): void {
    if (this.capacity === 0) {
      this.forget(hlc.wall, hlc.logical, hlc.node);
      return;
    }
    const at = this.next;
    if (this.count === this.capacity) this.forget(this.walls[at], this.logicals[at], this.nodes[at] as string);
    else this.count++;
    this.keys[at] = key;
    this.walls[at] = hlc.wall;
    this.logicals[at] = hlc.logical;
    this.nodes[at] = hlc.node;
    this.next = at + 1 === this.capacity ? 0 : at + 1;
  }

  /**
   * The remembered keys written with a stamp newer than `hlc` (each once), a superset of the
   * store's entries newer than `hlc`; null when a forgotten write may be newer.
   */
  newerThan(hlc: Hlc): string[] | null {
    if (this.forgottenNode !== null && compareHlcParts(this.forgottenWall, this.forgottenLogical, this.forgottenNode, hlc.wall, hlc.logical, hlc.node) > 0) return null;
    const out = new Set<string>();
    for (let i = 0; i < this.count; i++) {
      if (compareHlcParts(this.walls[i], this.logicals[i], this.nodes[i] as string, hlc.wall, hlc.logical, hlc.node) > 0) out.add(this.keys[i] as string);
    }
    return [...out];
  }

  /** The store was emptied: nothing written before can be newer than anything. */
  reset(): void {
    this.keys.fill(undefined);
    this.nodes.fill(undefined);
    this.next = 0;
    this.count = 0;
    this.forgottenNode = null;
  }

  private forget(wall: number, logical: number, node: string): void {
    if (this.forgottenNode === null || compareHlcParts(wall, logical, node, this.forgottenWall, this.forgottenLogical, this.forgottenNode) > 0) {
      this.forgottenWall = wall;
      this.forgottenLogical = logical;
      this.forgottenNode = node;
    }
  }
}
