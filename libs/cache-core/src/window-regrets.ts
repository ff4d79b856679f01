/**
 * Which part of a W-TinyLFU cache evicted a key: its window (a rejected candidate), or its main
 * part, telling apart keys never read again since they were added (MAIN_SIDE) from keys that
 * were (MAIN_READ_SIDE).
 */
export const WINDOW_SIDE = 1;
export const MAIN_SIDE = 2;
export const MAIN_READ_SIDE = 3;
export type Side = typeof WINDOW_SIDE | typeof MAIN_SIDE | typeof MAIN_READ_SIDE;

/**
 * Ghosts of recently evicted keys (hashes only), each with the side that evicted it: what
 * ARC's ghost lists B1/B2 do for its recency/frequency split (Megiddo & Modha, 2003), applied
 * twice to W-TinyLFU. A miss on a ghost less than `capacity` requests old would have been a
 * hit had the other side been larger, so that side grows: by ARC's step, 1 or the ratio of the
 * other side's recent evictions to this side's when that is larger (admission rejects many
 * more candidates than it evicts main entries, and the ratio keeps those many window ghosts
 * from outvoting the few main ones).
 * - The window against the main part: a window ghost grows the window, a main ghost shrinks it.
 * - Within the main part, probation against protected: the ghost of a key evicted before it was
 *   ever read again (a newcomer that probation could not hold long enough) grows probation;
 *   the ghost of one that had been read again (a regular pushed out) grows protected. Without
 *   this the protected share was fixed, and no fixed share served both a moving hot set (new
 *   keys need room on probation to prove themselves) and a stable one under scans.
 *
 * Direct-mapped, one ghost per slot of a power-of-two table of about the capacity's size: a
 * newer ghost overwrites an older one, which bounds memory (9 bytes per slot, 9–18 per unit
 * of capacity) and work (O(1)).
 */
export class WindowRegrets {
  private readonly hashes: Int32Array;
  private readonly evictedAt: Int32Array;
  private readonly sides: Uint8Array;
  private readonly mask: number;
  /** Recent evictions per side (all halved every `capacity` evictions), from 1 to avoid 0/0. */
  private windowEvictions = 1;
  private mainEvictions = 1;
  private mainUnreadEvictions = 1;
  private mainReadEvictions = 1;
  /**
   * The fraction of an entry that steps have added up to but not yet moved, for the window and
   * for protected. -0: doubles from the start, so the object keeps one map (see
   * TinyLfuPolicy.previousHitRatio).
   */
  private pending = -0;
  private protectedPending = -0;

  constructor(private readonly capacity: number) {
    let size = 16;
    while (size < capacity) size *= 2;
    this.hashes = new Int32Array(size).fill(-1);
    this.evictedAt = new Int32Array(size);
    this.sides = new Uint8Array(size);
    this.mask = size - 1;
  }

  /**
   * Records the eviction of the key with content hash `hash` (≥ 0); its ghost's age counts
   * from request clock `since` (the policy passes the eviction time, or the key's last use).
   */
  evicted(hash: number, side: Side, since: number): void {
    const i = hash & this.mask;
    this.hashes[i] = hash;
    this.evictedAt[i] = since;
    this.sides[i] = side;
    if (side === WINDOW_SIDE) this.windowEvictions++;
    else {
      this.mainEvictions++;
      if (side === MAIN_SIDE) this.mainUnreadEvictions++;
      else this.mainReadEvictions++;
    }
    if (this.windowEvictions + this.mainEvictions > this.capacity) {
      this.windowEvictions = (this.windowEvictions >> 1) + 1;
      this.mainEvictions = (this.mainEvictions >> 1) + 1;
    }
    // The main part's own pair ages with its own evictions: halved along with the window's
    // (hundreds of rejected candidates per main eviction) it read mostly 1 / 1.
    if (this.mainUnreadEvictions + this.mainReadEvictions > this.capacity) {
      this.mainUnreadEvictions = (this.mainUnreadEvictions >> 1) + 1;
      this.mainReadEvictions = (this.mainReadEvictions >> 1) + 1;
    }
  }

  /**
   * On a miss for `hash` at request clock `now`: how many entries the window should grow by
   * (negative: shrink); 0 when the key was not evicted recently. A clock that went back (the
   * policy renumbers its stamps) makes the ghost count as old. A main ghost also moves the
   * protected share, which `takeProtectedAdjustment` hands out.
   */
  missed(hash: number, now: number): number {
    const i = hash & this.mask;
    if (this.hashes[i] !== hash) return 0;
    this.hashes[i] = -1;
    const age = now - this.evictedAt[i];
    if (age < 0 || age > this.capacity) return 0;
    const side = this.sides[i];
    if (side === WINDOW_SIDE) {
      this.pending += Math.max(1, this.mainEvictions / this.windowEvictions);
    } else {
      this.pending -= Math.max(1, this.windowEvictions / this.mainEvictions);
      this.protectedPending +=
        side === MAIN_READ_SIDE
          ? Math.max(1, this.mainUnreadEvictions / this.mainReadEvictions)
          : -Math.max(1, this.mainReadEvictions / this.mainUnreadEvictions);
    }
    const whole = Math.trunc(this.pending);
    this.pending -= whole;
    return whole;
  }

  /** How many entries the protected part should grow by (negative: shrink) since the last call. */
  takeProtectedAdjustment(): number {
    const whole = Math.trunc(this.protectedPending);
    this.protectedPending -= whole;
    return whole;
  }
}
