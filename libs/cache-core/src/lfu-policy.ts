import { grownFloat64, grownInt32, type EvictionPolicy } from './eviction-policy.js';

// Per slot in `links`: [next, prev, bucket, access count].
const NEXT = 0;
const PREV = 1;
const BUCKET = 2;
const COUNT = 3;
const STRIDE = 4;
// Per bucket in `buckets`: [next, prev, head slot]; priorities sit in their own Float64Array.
const B_NEXT = 0;
const B_PREV = 1;
const B_HEAD = 2;
const B_STRIDE = 3;
const INITIAL_BUCKETS = 16;

/**
 * Least frequently used in O(1), after Shah, Mitra & Matani (2010): entries sharing a
 * priority live in one bucket (a circular list, oldest first, so ties go least recently used
 * first); buckets form a circular list sorted by priority, `minBucket` the lowest. A hit moves
 * an entry to the bucket of priority + 1, which is either the next bucket or a new one
 * linked right after it.
 *
 * Aging (dynamic aging, after Arlitt et al.'s LFU-DA): the cache keeps a floor `L`, the lowest
 * priority at the last eviction. New entries start at `L + 1` instead of 1, so every eviction
 * that raises the floor makes newcomers worth a little more, and an entry that was hot long
 * ago but is no longer touched is overtaken once the floor reaches its priority. Since no
 * priority is ever below `L`, the bucket of `L + 1` is the lowest bucket, the one after it,
 * or a new one next to it: insertion stays O(1).
 */
export class LfuPolicy implements EvictionPolicy {
  readonly strategy = 'lfu' as const;
  private links: Int32Array;
  private buckets = new Int32Array(INITIAL_BUCKETS * B_STRIDE);
  private priority = new Float64Array(INITIAL_BUCKETS);
  private freeBuckets: number[] = [];
  private bucketsUsed = 0;
  private minBucket = -1;
  private floor = 0;

  constructor(slots: number) {
    this.links = new Int32Array(slots * STRIDE);
  }

  grow(slots: number): void {
    this.links = grownInt32(this.links, slots * STRIDE);
  }

  add(slot: number): void {
    this.links[slot * STRIDE + COUNT] = 1;
    const priority = this.floor + 1;
    const min = this.minBucket;
    let bucket: number;
    if (min === -1) {
      bucket = this.soleBucket(priority);
    } else if (this.priority[min] > priority) {
      bucket = this.newBucket(priority);
      this.linkBucketAfter(this.buckets[min * B_STRIDE + B_PREV], bucket);
      this.minBucket = bucket;
    } else {
      bucket = this.bucketAtOrAfter(min, priority);
    }
    this.append(bucket, slot);
  }

  recycle(slot: number): void {
    this.evict(slot);
    this.add(slot);
  }

  touch(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT]++;
    const bucket = links[at + BUCKET];
    const priority = this.priority[bucket] + 1;
    const after = this.buckets[bucket * B_STRIDE + B_NEXT];
    const nextMatches = after !== this.minBucket && this.priority[after] === priority;
    if (links[at + NEXT] === slot && !nextMatches) {
      // Alone in its bucket and no bucket of priority + 1: raising the bucket keeps the order.
      this.priority[bucket] = priority;
      return;
    }
    let target = after;
    if (!nextMatches) {
      target = this.newBucket(priority);
      this.linkBucketAfter(bucket, target);
    }
    this.remove(slot);
    this.append(target, slot);
  }

  accessCount(slot: number): number {
    return this.links[slot * STRIDE + COUNT] >>> 0;
  }

  remove(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    const bucket = links[at + BUCKET];
    const n = links[at + NEXT];
    if (n === slot) {
      this.unlinkBucket(bucket);
      return;
    }
    const p = links[at + PREV];
    links[p * STRIDE + NEXT] = n;
    links[n * STRIDE + PREV] = p;
    const headAt = bucket * B_STRIDE + B_HEAD;
    if (this.buckets[headAt] === slot) this.buckets[headAt] = n;
  }

  evict(slot: number): void {
    this.floor = this.priority[this.minBucket];
    this.remove(slot);
  }

  victim(): number {
    return this.minBucket === -1 ? -1 : this.buckets[this.minBucket * B_STRIDE + B_HEAD];
  }

  mostValuable(): number {
    if (this.minBucket === -1) return -1;
    const max = this.buckets[this.minBucket * B_STRIDE + B_PREV];
    return this.links[this.buckets[max * B_STRIDE + B_HEAD] * STRIDE + PREV];
  }

  lessValuable(slot: number): number {
    const bucket = this.links[slot * STRIDE + BUCKET];
    if (slot !== this.buckets[bucket * B_STRIDE + B_HEAD]) return this.links[slot * STRIDE + PREV];
    if (bucket === this.minBucket) return -1;
    const below = this.buckets[bucket * B_STRIDE + B_PREV];
    return this.links[this.buckets[below * B_STRIDE + B_HEAD] * STRIDE + PREV];
  }

  moreValuable(slot: number): number {
    const bucket = this.links[slot * STRIDE + BUCKET];
    const n = this.links[slot * STRIDE + NEXT];
    if (n !== this.buckets[bucket * B_STRIDE + B_HEAD]) return n;
    const up = this.buckets[bucket * B_STRIDE + B_NEXT];
    return up === this.minBucket ? -1 : this.buckets[up * B_STRIDE + B_HEAD];
  }

  rank(slot: number): number {
    return this.priority[this.links[slot * STRIDE + BUCKET]] - this.floor;
  }

  seed(slot: number, rank: number, accessCount: number): void {
    this.links[slot * STRIDE + COUNT] = accessCount;
    const priority = this.floor + rank;
    const min = this.minBucket;
    let bucket: number;
    if (min === -1) {
      bucket = this.soleBucket(priority);
    } else {
      bucket = this.buckets[min * B_STRIDE + B_PREV];
      if (this.priority[bucket] !== priority) {
        const max = bucket;
        bucket = this.newBucket(priority);
        this.linkBucketAfter(max, bucket);
      }
    }
    this.append(bucket, slot);
  }

  clear(): void {
    this.minBucket = -1;
    this.floor = 0;
    this.freeBuckets = [];
    this.bucketsUsed = 0;
  }

  private append(bucket: number, slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    const headAt = bucket * B_STRIDE + B_HEAD;
    const head = this.buckets[headAt];
    if (head === -1) {
      links[at + NEXT] = slot;
      links[at + PREV] = slot;
      this.buckets[headAt] = slot;
    } else {
      const tail = links[head * STRIDE + PREV];
      links[at + NEXT] = head;
      links[at + PREV] = tail;
      links[tail * STRIDE + NEXT] = slot;
      links[head * STRIDE + PREV] = slot;
    }
    links[at + BUCKET] = bucket;
  }

  private soleBucket(priority: number): number {
    const bucket = this.newBucket(priority);
    this.buckets[bucket * B_STRIDE + B_NEXT] = bucket;
    this.buckets[bucket * B_STRIDE + B_PREV] = bucket;
    this.minBucket = bucket;
    return bucket;
  }

  /** `bucket` has a priority <= `priority`, and no bucket lies strictly between them. */
  private bucketAtOrAfter(bucket: number, priority: number): number {
    if (this.priority[bucket] === priority) return bucket;
    const after = this.buckets[bucket * B_STRIDE + B_NEXT];
    if (after !== this.minBucket && this.priority[after] === priority) return after;
    const created = this.newBucket(priority);
    this.linkBucketAfter(bucket, created);
    return created;
  }

  private newBucket(priority: number): number {
    let bucket = this.freeBuckets.pop();
    if (bucket === undefined) {
      bucket = this.bucketsUsed++;
      if (bucket === this.priority.length) {
        this.priority = grownFloat64(this.priority, bucket * 2);
        this.buckets = grownInt32(this.buckets, bucket * 2 * B_STRIDE);
      }
    }
    this.priority[bucket] = priority;
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
