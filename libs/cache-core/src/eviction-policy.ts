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
  /**
   * A new entry with an access count of 1. `hash` is the key's content hash (see hashKey),
   * which LFU keeps to estimate the key's frequency; LRU ignores it.
   */
  add(slot: number, hash: number): void;
  /** An access (read hit or overwriting write): re-rank and count it. */
  touch(slot: number): void;
  /** 1 for the insertion plus one per touch. */
  accessCount(slot: number): number;
  /**
   * Evict `slot`, which `victim()` just returned, and `add` a new entry in it: what a write
   * of a new key does at full capacity, in one step.
   */
  recycle(slot: number, hash: number): void;
  /** Unlink a slot that leaves for any reason other than eviction by this policy. */
  remove(slot: number): void;
  /** Unlink a slot chosen for eviction; LFU ages on it. */
  evict(slot: number): void;
  /** The slot to evict to make room for a new entry, or -1 when empty. */
  victim(): number;
  /** The lowest slot in the value order (`victim()` may differ: LFU admission picks it). */
  leastValuable(): number;
  mostValuable(): number;
  /** The slot ranked just below `slot`, or -1. */
  lessValuable(slot: number): number;
  /** The slot ranked just above `slot`, or -1. */
  moreValuable(slot: number): number;
  /** LFU priority above the aging floor (0 in the admission window); LRU returns 0. */
  rank(slot: number): number;
  /** Append `slot` as the most valuable entry with `rank` (ranks must not decrease). */
  seed(slot: number, rank: number, accessCount: number, hash: number): void;
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
