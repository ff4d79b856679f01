import { sortByKey } from './slot-order.js';

/**
 * The ordering half of the cache: it ranks slot indexes by value and never sees keys or
 * values. The cache owns the slots; a policy links them and counts their accesses, keeping a
 * slot's links and count side by side in one typed array so an access touches one cache line.
 * Every method is O(1) unless it says otherwise. "Most valuable" is the entry evicted last.
 */
export interface EvictionPolicy {
  /** Grow per-slot storage so that slot indexes below `slots` are valid. */
  grow(slots: number): void;
  /**
   * A new entry with an access count of 1. `hash` is the key's content hash (see hashKey)
   * when the policy's descriptor asks for it, else 0.
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
  /** Unlink a slot chosen for eviction. */
  evict(slot: number): void;
  /** The slot to evict to make room for a new entry, or -1 when empty. */
  victim(): number;
  /** The lowest slot in the value order (`victim()` may differ where admission picks it). */
  leastValuable(): number;
  mostValuable(): number;
  /** The slot ranked just below `slot`, or -1. */
  lessValuable(slot: number): number;
  /** The slot ranked just above `slot`, or -1. */
  moreValuable(slot: number): number;
  /** Every slot, least recently used first. O(n): for rebuilding (see slot-order.ts). */
  byRecency(): Int32Array;
  /**
   * Place an entry while rebuilding, in the order the descriptor's `seedOrder` asks for.
   * `recency` is its position in the recency order (0 = least recent; all distinct).
   */
  seed(slot: number, accessCount: number, hash: number, recency: number): void;
  /**
   * The slot's access stamp (a later use has a larger one), for policies whose value order is
   * not the recency order; absent where it is (LRU). A stepped strategy switch sorts by it.
   */
  lastUse?(slot: number): number;
  clear(): void;
}

/** A policy as the cache runs it: seeded only while it is built (see strategy-switch.ts). */
export type RunningPolicy = Omit<EvictionPolicy, 'seed' | 'lastUse'>;

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

/** Stamps are int32: at this value a policy renumbers them (once per ~2^31 accesses). */
export const STAMP_LIMIT = 0x7fffffff;

/**
 * Slots sorted by the access stamp kept at `links[slot * stride + offset]`, least recent first.
 * Policies whose lists do not give a global recency order keep such stamps.
 */
export function slotsByStamp(links: Int32Array, stride: number, offset: number, slots: Int32Array): Int32Array {
  const stamps = new Uint32Array(slots.length);
  for (let i = 0; i < slots.length; i++) stamps[i] = links[slots[i] * stride + offset];
  return sortByKey(slots, stamps);
}

/** Rewrites the stamps of `ordered` (least recent first) as 0..n-1 and returns n, the next stamp. */
export function renumberStamps(links: Int32Array, stride: number, offset: number, ordered: Int32Array): number {
  for (let i = 0; i < ordered.length; i++) links[ordered[i] * stride + offset] = i;
  return ordered.length;
}

/** The slots of a walk from `first` along `next` until -1, in an Int32Array. */
export function collectSlots(first: number, next: (slot: number) => number): Int32Array {
  let out = new Int32Array(64);
  let n = 0;
  for (let slot = first; slot !== -1; slot = next(slot)) {
    if (n === out.length) out = grownInt32(out, n * 2);
    out[n++] = slot;
  }
  return out.subarray(0, n);
}
