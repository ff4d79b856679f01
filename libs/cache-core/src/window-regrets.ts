/** Which part of a W-TinyLFU cache evicted a key: its window (a rejected candidate) or its main part. */
export const WINDOW_SIDE = 1;
export const MAIN_SIDE = 2;
export type Side = typeof WINDOW_SIDE | typeof MAIN_SIDE;

/**
 * Ghosts of recently evicted keys (hashes only), each with the side that evicted it: what
 * ARC's ghost lists B1/B2 do for its recency/frequency split, applied to W-TinyLFU's window.
 * When a miss finds its key among the ghosts, and the key was last used less than
 * `maxAge` requests before, a cache whose other side was larger would have hit: that side
 * should grow. The step is ARC's (1, or the ratio of the other side's recent evictions to
 * this side's when that is larger), so the side that evicts rarely but regrets it weighs as
 * much as the side that evicts often.
 *
 * Direct-mapped, one ghost per slot of a power-of-two table about the capacity's size: a
 * newer ghost overwrites an older one, which bounds both memory (9 bytes per slot) and age.
 */
export class WindowRegrets {
  private readonly hashes: Int32Array;
  private readonly lastUse: Int32Array;
  private readonly sides: Uint8Array;
  private readonly mask: number;
  /** Recent evictions per side (halved every `capacity` evictions), starting at 1 to avoid 0/0. */
  private windowEvictions = 1;
  private mainEvictions = 1;

  constructor(
    private readonly capacity: number,
    private readonly maxAge: number,
  ) {
    let size = 16;
    while (size < capacity) size *= 2;
    this.hashes = new Int32Array(size).fill(-1);
    this.lastUse = new Int32Array(size);
    this.sides = new Uint8Array(size);
    this.mask = size - 1;
  }

  /** Records the eviction of a key with content hash `hash` (≥ 0), last used at `stamp`. */
  evicted(hash: number, side: Side, stamp: number): void {
    const i = hash & this.mask;
    this.hashes[i] = hash;
    this.lastUse[i] = stamp;
    this.sides[i] = side;
    if (side === WINDOW_SIDE) this.windowEvictions++;
    else this.mainEvictions++;
    if (this.windowEvictions + this.mainEvictions > this.capacity) {
      this.windowEvictions = (this.windowEvictions >> 1) + 1;
      this.mainEvictions = (this.mainEvictions >> 1) + 1;
    }
  }

  /**
   * On a miss for `hash` at access stamp `now`: how many entries the window should grow by
   * (negative: shrink), or 0 when the key was not recently evicted. Stamps from before a
   * renumbering (a negative age) count as old.
   */
  missed(hash: number, now: number): number {
    const i = hash & this.mask;
    if (this.hashes[i] !== hash) return 0;
    this.hashes[i] = -1;
    const age = now - this.lastUse[i];
    if (age < 0 || age > this.maxAge) return 0;
    return this.sides[i] === WINDOW_SIDE
      ? Math.max(1, Math.round(this.mainEvictions / this.windowEvictions))
      : -Math.max(1, Math.round(this.windowEvictions / this.mainEvictions));
  }
}
