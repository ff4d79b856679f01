import * as policies from './eviction-policy.js';
import { collectSlots, grownFloat64, grownInt32, renumberStamps, slotsByStamp, type EvictionPolicy } from './eviction-policy.js';
import * as slotList from './slot-list.js';
import type { PolicyDescriptor } from './strategies.js';

// Module-local aliases: tsx and ts-jest compile imports to CommonJS getters, which TurboFan
// did not inline into the hot paths (a third of a 1k-entry get's time, profiled; STAMP_LIMIT,
// read on every access, still showed as a getter in a 2026-12-01 profile).
const { linkTail, NEXT, PREV, unlinkFrom } = slotList;
const { STAMP_LIMIT } = policies;

// Per slot in `links`: [next, prev, bucket, access count, access stamp].
const BUCKET = 2;
const COUNT = 3;
const STAMP = 4;
const STRIDE = 5;
// Per bucket in `buckets`: [next, prev, head slot]; bucket counts sit in their own Float64Array.
const B_NEXT = 0;
const B_PREV = 1;
const B_HEAD = 2;
const B_STRIDE = 3;
const INITIAL_BUCKETS = 16;
/** Access counts are stored as uint32 and stop counting here. */
const MAX_COUNT = 0xffffffff;

/**
 * Least frequently used, exactly: the victim is the entry with the lowest access count and,
 * among those, the least recently used. O(1) with the frequency buckets of Shah, Mitra &
 * Matani (2010): entries of one access count share a bucket (a circular list, least recently
 * used first), and buckets form a circular list sorted by count, `minBucket` the lowest. An
 * access moves an entry to the bucket of count + 1: the next bucket or a new one right after
 * it. A new entry has count 1, the lowest there is, so it joins the lowest bucket or a new one
 * below it.
 *
 * No aging and no admission: what the README promises is all it does. A key that was hot
 * long ago keeps its count; `tinylfu` is the strategy that forgets.
 *
 * Each slot also keeps an access stamp, so that switching to another strategy knows which
 * entries were used most recently across buckets.
 */
export class LfuPolicy implements EvictionPolicy {
  private links: Int32Array;
  private buckets = new Int32Array(INITIAL_BUCKETS * B_STRIDE);
  private counts = new Float64Array(INITIAL_BUCKETS);
  private freeBuckets: number[] = [];
  private bucketsUsed = 0;
  private minBucket = -1;
  private clock = 0;

  constructor(slots: number) {
    this.links = new Int32Array(slots * STRIDE);
  }

  grow(slots: number): void {
    this.links = grownInt32(this.links, slots * STRIDE);
  }

  add(slot: number): void {
    const at = slot * STRIDE;
    this.links[at + COUNT] = 1;
    this.stamp(at);
    const min = this.minBucket;
    if (min !== -1 && this.counts[min] === 1) {
      this.append(min, slot);
      return;
    }
    if (min === -1) {
      this.append(this.soleBucket(1), slot);
      return;
    }
    const created = this.newBucket(1);
    this.linkBucketAfter(this.buckets[min * B_STRIDE + B_PREV], created);
    this.minBucket = created;
    this.append(created, slot);
  }

  recycle(slot: number): void {
    const min = this.minBucket;
    const headAt = min * B_STRIDE + B_HEAD;
    if (this.buckets[headAt] === slot && this.counts[min] === 1) {
      // The victim heads the count-1 bucket (its least recent entry) and the new entry joins
      // that bucket as its most recent: in a circular list, one move of the head. Most
      // evicting writes take this path (entries read once are the usual victims).
      const at = slot * STRIDE;
      this.buckets[headAt] = this.links[at + NEXT];
      this.links[at + COUNT] = 1;
      this.stamp(at);
      return;
    }
    this.removeFromBucket(slot);
    this.add(slot);
  }

  touch(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    this.stamp(at);
    const bucket = links[at + BUCKET];
    const current = this.counts[bucket];
    if (current === MAX_COUNT) {
      this.moveToBucketEnd(bucket, slot);
      return;
    }
    const count = current + 1;
    links[at + COUNT] = count;
    const after = this.buckets[bucket * B_STRIDE + B_NEXT];
    const nextMatches = after !== this.minBucket && this.counts[after] === count;
    if (links[at + NEXT] === slot && !nextMatches) {
      // Alone in its bucket and no bucket of count + 1: raising the bucket keeps the order.
      this.counts[bucket] = count;
      return;
    }
    let target = after;
    if (!nextMatches) {
      target = this.newBucket(count);
      this.linkBucketAfter(bucket, target);
    }
    this.removeFromBucket(slot);
    this.append(target, slot);
  }

  accessCount(slot: number): number {
    return this.links[slot * STRIDE + COUNT] >>> 0;
  }

  remove(slot: number): void {
    this.removeFromBucket(slot);
  }

  evict(slot: number): void {
    this.removeFromBucket(slot);
  }

  victim(): number {
    return this.minBucket === -1 ? -1 : this.buckets[this.minBucket * B_STRIDE + B_HEAD];
  }

  leastValuable(): number {
    return this.victim();
  }

  mostValuable(): number {
    if (this.minBucket === -1) return -1;
    const max = this.buckets[this.minBucket * B_STRIDE + B_PREV];
    return this.links[this.buckets[max * B_STRIDE + B_HEAD] * STRIDE + PREV];
  }

  lessValuable(slot: number): number {
    const links = this.links;
    const bucket = links[slot * STRIDE + BUCKET];
    if (slot !== this.buckets[bucket * B_STRIDE + B_HEAD]) return links[slot * STRIDE + PREV];
    if (bucket === this.minBucket) return -1;
    const below = this.buckets[bucket * B_STRIDE + B_PREV];
    return links[this.buckets[below * B_STRIDE + B_HEAD] * STRIDE + PREV];
  }

  moreValuable(slot: number): number {
    const links = this.links;
    const bucket = links[slot * STRIDE + BUCKET];
    const n = links[slot * STRIDE + NEXT];
    if (n !== this.buckets[bucket * B_STRIDE + B_HEAD]) return n;
    const up = this.buckets[bucket * B_STRIDE + B_NEXT];
    return up === this.minBucket ? -1 : this.buckets[up * B_STRIDE + B_HEAD];
  }

  lastUse(slot: number): number {
    return this.links[slot * STRIDE + STAMP];
  }

  byRecency(): Int32Array {
    const slots = collectSlots(this.victim(), (slot) => this.moreValuable(slot));
    return slotsByStamp(this.links, STRIDE, STAMP, slots);
  }

  /** Seeded by non-decreasing access count, least recent first within a count. */
  seed(slot: number, accessCount: number, _hash: number, recency: number): void {
    const at = slot * STRIDE;
    const count = Math.min(Math.max(accessCount, 1), MAX_COUNT);
    this.links[at + COUNT] = count;
    this.links[at + STAMP] = recency;
    if (recency >= this.clock) this.clock = recency + 1;
    const min = this.minBucket;
    let bucket: number;
    if (min === -1) {
      bucket = this.soleBucket(count);
    } else {
      bucket = this.buckets[min * B_STRIDE + B_PREV];
      if (this.counts[bucket] !== count) {
        const max = bucket;
        bucket = this.newBucket(count);
        this.linkBucketAfter(max, bucket);
      }
    }
    this.append(bucket, slot);
  }

  clear(): void {
    this.minBucket = -1;
    this.freeBuckets = [];
    this.bucketsUsed = 0;
    this.clock = 0;
  }

  private stamp(at: number): void {
    if (this.clock === STAMP_LIMIT) this.clock = renumberStamps(this.links, STRIDE, STAMP, this.byRecency());
    this.links[at + STAMP] = this.clock++;
  }

  private moveToBucketEnd(bucket: number, slot: number): void {
    if (this.links[slot * STRIDE + NEXT] === slot) return;
    this.removeFromBucket(slot);
    this.append(bucket, slot);
  }

  private removeFromBucket(slot: number): void {
    const bucket = this.links[slot * STRIDE + BUCKET];
    if (unlinkFrom(this.links, STRIDE, this.buckets, bucket * B_STRIDE + B_HEAD, slot)) this.unlinkBucket(bucket);
  }

  /** Makes `slot` the most recent entry of `bucket`. */
  private append(bucket: number, slot: number): void {
    linkTail(this.links, STRIDE, this.buckets, bucket * B_STRIDE + B_HEAD, slot);
    this.links[slot * STRIDE + BUCKET] = bucket;
  }

  private soleBucket(count: number): number {
    const bucket = this.newBucket(count);
    this.buckets[bucket * B_STRIDE + B_NEXT] = bucket;
    this.buckets[bucket * B_STRIDE + B_PREV] = bucket;
    this.minBucket = bucket;
    return bucket;
  }

  private newBucket(count: number): number {
    let bucket = this.freeBuckets.pop();
    if (bucket === undefined) {
      bucket = this.bucketsUsed++;
      if (bucket === this.counts.length) {
        this.counts = grownFloat64(this.counts, bucket * 2);
        this.buckets = grownInt32(this.buckets, bucket * 2 * B_STRIDE);
      }
    }
    this.counts[bucket] = count;
    this.buckets[bucket * B_STRIDE + B_HEAD] = -1;
    return bucket;
  }

  private linkBucketAfter(bucket: number, created: number): void {
    const b = this.buckets;
    const after = b[bucket * B_STRIDE + B_NEXT];
    b[created * B_STRIDE + B_NEXT] = after;
    b[created * B_STRIDE + B_PREV] = bucket;
    b[after * B_STRIDE + B_PREV] = created;
    b[bucket * B_STRIDE + B_NEXT] = created;
  }

  private unlinkBucket(bucket: number): void {
    const b = this.buckets;
    const n = b[bucket * B_STRIDE + B_NEXT];
    if (n === bucket) {
      this.minBucket = -1;
    } else {
      const p = b[bucket * B_STRIDE + B_PREV];
      b[p * B_STRIDE + B_NEXT] = n;
      b[n * B_STRIDE + B_PREV] = p;
      if (this.minBucket === bucket) this.minBucket = n;
    }
    this.freeBuckets.push(bucket);
  }
}

export const lfu = {
  name: 'lfu',
  summary: 'evict the least frequently used key; ties go least recently used first',
  hashesKeys: false,
  seedOrder: 'frequency',
  sizedByCapacity: false,
  create: (slots: number) => new LfuPolicy(slots),
} as const satisfies PolicyDescriptor;
