import type { Strategy } from './cache-options.js';

/**
 * The ordering half of the cache: it ranks slot indexes by value and never sees keys or
 * values. The cache owns the slots; a policy links them and counts their accesses, keeping a
 * slot's links and count side by side in one typed array so an access touches one cache line.
 * Every method is O(1). "Most valuable" is the entry evicted last: MRU for LRU, most frequent
 * for LFU.
 */
export interface EvictionPolicy {
  readonly strategy: Strategy;
  /** Grow per-slot storage so that slot indexes below `slots` are valid. */
  grow(slots: number): void;
  /** A new entry, ranked as a fresh insertion, with an access count of 1. */
  add(slot: number): void;
  /** An access (read hit or overwriting write): re-rank and count it. */
  touch(slot: number): void;
  /** 1 for the insertion plus one per touch. */
  accessCount(slot: number): number;
  /**
   * `add` for the slot `victim()` just returned, whose entry is being replaced by a new one at
   * full capacity: one step for what would be an eviction and an insertion.
   */
  recycle(slot: number): void;
  /** Unlink a slot that leaves for any reason other than eviction by this policy. */
  remove(slot: number): void;
  /** Unlink `victim()` or another slot chosen for eviction; LFU ages on it. */
  evict(slot: number): void;
  /** The next slot to evict, or -1 when empty. */
  victim(): number;
  mostValuable(): number;
  /** The slot ranked just below `slot`, or -1. */
  lessValuable(slot: number): number;
  /** The slot ranked just above `slot`, or -1. */
  moreValuable(slot: number): number;
  /** LFU priority above the aging floor; LRU has no rank and returns 0. */
  rank(slot: number): number;
  /** Append `slot` as the most valuable entry with `rank` (ranks must not decrease). */
  seed(slot: number, rank: number, accessCount: number): void;
  clear(): void;
}

/** Copies `from` into a new array of `length`. */
export function grownInt32(from: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const to = new Int32Array(length);
  to.set(from.length <= length ? from : from.subarray(0, length));
  return to;
}

export function grownFloat64(from: Float64Array, length: number): Float64Array<ArrayBuffer> {
  const to = new Float64Array(length);
  to.set(from.length <= length ? from : from.subarray(0, length));
  return to;
}
