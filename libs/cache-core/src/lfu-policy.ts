import { grownFloat64, grownInt32, type EvictionPolicy } from './eviction-policy.js';

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
  private next: Int32Array;
  private prev: Int32Array;
  private bucketOf: Int32Array;
  private bucketPriority = new Float64Array(INITIAL_BUCKETS);
  private bucketNext = new Int32Array(INITIAL_BUCKETS);
  private bucketPrev = new Int32Array(INITIAL_BUCKETS);
  private bucketHead = new Int32Array(INITIAL_BUCKETS);
  private freeBuckets: number[] = [];
  private bucketsUsed = 0;
  private minBucket = -1;
  private floor = 0;

  constructor(slots: number) {
    this.next = new Int32Array(slots);
    this.prev = new Int32Array(slots);
    this.bucketOf = new Int32Array(slots);
  }

  grow(slots: number): void {
    this.next = grownInt32(this.next, slots);
    this.prev = grownInt32(this.prev, slots);
    this.bucketOf = grownInt32(this.bucketOf, slots);
  }

  add(slot: number): void {
    const priority = this.floor + 1;
    const min = this.minBucket;
    let bucket: number;
    if (min === -1) {
      bucket = this.newBucket(priority);
      this.bucketNext[bucket] = bucket;
      this.bucketPrev[bucket] = bucket;
      this.minBucket = bucket;
    } else if (this.bucketPriority[min] > priority) {
      bucket = this.newBucket(priority);
      this.linkBucketAfter(this.bucketPrev[min], bucket);
      this.minBucket = bucket;
    } else {
      bucket = this.bucketAtOrAfter(min, priority);
    }
    this.append(bucket, slot);
  }

  touch(slot: number): void {
    const bucket = this.bucketOf[slot];
    const priority = this.bucketPriority[bucket] + 1;
    const after = this.bucketNext[bucket];
    const nextMatches = after !== this.minBucket && this.bucketPriority[after] === priority;
    if (this.next[slot] === slot && !nextMatches) {
      // Alone in its bucket and no bucket of priority + 1: raising the bucket keeps the order.
      this.bucketPriority[bucket] = priority;
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

  remove(slot: number): void {
    const bucket = this.bucketOf[slot];
    const n = this.next[slot];
    if (n === slot) {
      this.unlinkBucket(bucket);
      return;
    }
    const p = this.prev[slot];
    this.next[p] = n;
    this.prev[n] = p;
    if (this.bucketHead[bucket] === slot) this.bucketHead[bucket] = n;
  }

  evict(slot: number): void {
    this.floor = this.bucketPriority[this.minBucket];
    this.remove(slot);
  }

  victim(): number {
    return this.minBucket === -1 ? -1 : this.bucketHead[this.minBucket];
  }

  mostValuable(): number {
    if (this.minBucket === -1) return -1;
    return this.prev[this.bucketHead[this.bucketPrev[this.minBucket]]];
  }

  lessValuable(slot: number): number {
    const bucket = this.bucketOf[slot];
    if (slot !== this.bucketHead[bucket]) return this.prev[slot];
    if (bucket === this.minBucket) return -1;
    return this.prev[this.bucketHead[this.bucketPrev[bucket]]];
  }

  moreValuable(slot: number): number {
    const bucket = this.bucketOf[slot];
    const n = this.next[slot];
    if (n !== this.bucketHead[bucket]) return n;
    const up = this.bucketNext[bucket];
    return up === this.minBucket ? -1 : this.bucketHead[up];
  }

  rank(slot: number): number {
    return this.bucketPriority[this.bucketOf[slot]] - this.floor;
  }

  seed(slot: number, rank: number): void {
    const priority = this.floor + rank;
    const min = this.minBucket;
    let bucket: number;
    if (min === -1) {
      bucket = this.newBucket(priority);
      this.bucketNext[bucket] = bucket;
      this.bucketPrev[bucket] = bucket;
      this.minBucket = bucket;
    } else {
      const max = this.bucketPrev[min];
      bucket = max;
      if (this.bucketPriority[max] !== priority) {
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
    const head = this.bucketHead[bucket];
    if (head === -1) {
      this.next[slot] = slot;
      this.prev[slot] = slot;
      this.bucketHead[bucket] = slot;
    } else {
      const tail = this.prev[head];
      this.next[slot] = head;
      this.prev[slot] = tail;
      this.next[tail] = slot;
      this.prev[head] = slot;
    }
    this.bucketOf[slot] = bucket;
  }

  /** `bucket` has a priority <= `priority`, and no bucket lies strictly between them. */
  private bucketAtOrAfter(bucket: number, priority: number): number {
    if (this.bucketPriority[bucket] === priority) return bucket;
    const after = this.bucketNext[bucket];
    if (after !== this.minBucket && this.bucketPriority[after] === priority) return after;
    const created = this.newBucket(priority);
    this.linkBucketAfter(bucket, created);
    return created;
  }

  private newBucket(priority: number): number {
    let bucket = this.freeBuckets.pop();
    if (bucket === undefined) {
      bucket = this.bucketsUsed++;
      if (bucket === this.bucketHead.length) {
        const size = bucket * 2;
        this.bucketPriority = grownFloat64(this.bucketPriority, size);
        this.bucketNext = grownInt32(this.bucketNext, size);
        this.bucketPrev = grownInt32(this.bucketPrev, size);
        this.bucketHead = grownInt32(this.bucketHead, size);
      }
    }
    this.bucketPriority[bucket] = priority;
    this.bucketHead[bucket] = -1;
    return bucket;
  }

  private linkBucketAfter(bucket: number, created: number): void {
    const after = this.bucketNext[bucket];
    this.bucketNext[created] = after;
    this.bucketPrev[created] = bucket;
    this.bucketPrev[after] = created;
    this.bucketNext[bucket] = created;
  }

  private unlinkBucket(bucket: number): void {
    const n = this.bucketNext[bucket];
    if (n === bucket) {
      this.minBucket = -1;
    } else {
      const p = this.bucketPrev[bucket];
      this.bucketNext[p] = n;
      this.bucketPrev[n] = p;
      if (this.minBucket === bucket) this.minBucket = n;
    }
    this.freeBuckets.push(bucket);
  }
}
