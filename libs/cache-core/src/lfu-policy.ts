import { grownFloat64, grownInt32, type EvictionPolicy } from './eviction-policy.js';
import { FrequencySketch } from './frequency-sketch.js';

// Per slot in `links`: [next, prev, bucket (-1 while in the window), access count, key hash].
const NEXT = 0;
const PREV = 1;
const BUCKET = 2;
const COUNT = 3;
const HASH = 4;
const STRIDE = 5;
const IN_WINDOW = -1;
// Per bucket in `buckets`: [next, prev, head slot]; priorities sit in their own Float64Array.
const B_NEXT = 0;
const B_PREV = 1;
const B_HEAD = 2;
const B_STRIDE = 3;
const INITIAL_BUCKETS = 16;
/** Share of the capacity given to the admission window (W-TinyLFU's default). */
const WINDOW_SHARE = 0.01;
/** How far above the aging floor a priority may climb. */
const MAX_LEAD = 15;
/** The aging floor rises by 1 every AGE_PERIOD x capacity insertions. */
const AGE_PERIOD = 8;

/**
 * Least frequently used in O(1), in two parts.
 *
 * Main part: the frequency buckets of Shah, Mitra & Matani (2010). Entries sharing a priority
 * live in one bucket (a circular list, oldest first, so ties go least recently used first);
 * buckets form a circular list sorted by priority, `minBucket` the lowest. A hit moves an
 * entry to the bucket of priority + 1: the next bucket or a new one right after it.
 *
 * Aging (after Arlitt et al.'s LFU with dynamic aging): a floor `L` that rises by 1 for every
 * AGE_PERIOD x capacity insertions, and to the lowest priority whenever the main part evicts. Entries enter the main part at `L + ` their accesses so far, and a hit raises
 * a priority only up to `L + MAX_LEAD` (beyond, it just refreshes recency). An entry no
 * longer read therefore falls below the floor within (MAX_LEAD + 1) x AGE_PERIOD x capacity
 * insertions, however hot it was, and an entry below the floor loses admission to any newcomer. Since no priority exceeds `L + MAX_LEAD`, the bucket for a newcomer is found by
 * walking at most MAX_LEAD buckets down from the top: O(1).
 *
 * Admission (after W-TinyLFU, Einziger, Friedman & Manes 2017): a new key first enters a small
 * LRU window (1% of capacity), so it can always be read right after it is written. When the
 * window is full and the cache too, the window's oldest entry competes with the main part's
 * victim on the frequency estimate of a FrequencySketch, which also remembers keys that were
 * evicted: the less frequent of the two is evicted, and a winning window entry moves into the
 * main part. One-off keys thus pass through the window without pushing out keys that recur.
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
  private insertions = 0;
  private readonly agePeriod: number;
  private windowHead = -1;
  private windowSize = 0;
  private readonly windowLimit: number;
  private readonly capacity: number;
  private sketch: FrequencySketch;

  constructor(slots: number, capacity: number) {
    this.links = new Int32Array(slots * STRIDE);
    this.capacity = capacity;
    this.windowLimit = Math.max(1, Math.floor(capacity * WINDOW_SHARE));
    this.agePeriod = capacity * AGE_PERIOD;
    this.sketch = new FrequencySketch(capacity);
  }

  grow(slots: number): void {
    this.links = grownInt32(this.links, slots * STRIDE);
  }

  add(slot: number, hash: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT] = 1;
    links[at + HASH] = hash;
    if (hash >= 0) this.sketch.increment(hash);
    if (++this.insertions >= this.agePeriod) {
      this.insertions = 0;
      this.floor++;
    }
    if (this.windowSize >= this.windowLimit) {
      const oldest = links[this.windowHead * STRIDE + PREV];
      this.unlinkWindow(oldest);
      this.addToMain(oldest);
    }
    this.linkWindow(slot);
  }

  recycle(slot: number, hash: number): void {
    this.evict(slot);
    this.add(slot, hash);
  }

  touch(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT]++;
    const hash = links[at + HASH];
    if (hash >= 0) this.sketch.increment(hash);
    const bucket = links[at + BUCKET];
    if (bucket === IN_WINDOW) {
      if (slot !== this.windowHead) {
        this.unlinkWindow(slot);
        this.linkWindow(slot);
      }
      return;
    }
    const current = this.priority[bucket];
    if (current >= this.floor + MAX_LEAD) {
      // Capped: a refresh of recency within the bucket, so stale entries still age out.
      if (links[at + NEXT] !== slot) {
        this.removeFromMain(slot);
        this.append(bucket, slot);
      }
      return;
    }
    const priority = current + 1;
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
    this.removeFromMain(slot);
    this.append(target, slot);
  }

  accessCount(slot: number): number {
    return this.links[slot * STRIDE + COUNT] >>> 0;
  }

  remove(slot: number): void {
    if (this.links[slot * STRIDE + BUCKET] === IN_WINDOW) this.unlinkWindow(slot);
    else this.removeFromMain(slot);
  }

  evict(slot: number): void {
    if (this.links[slot * STRIDE + BUCKET] === IN_WINDOW) {
      this.unlinkWindow(slot);
      return;
    }
    const lowest = this.priority[this.minBucket];
    if (lowest > this.floor) this.floor = lowest;
    this.removeFromMain(slot);
  }

  victim(): number {
    const main = this.minBucket === -1 ? -1 : this.buckets[this.minBucket * B_STRIDE + B_HEAD];
    if (this.windowSize === 0) return main;
    const candidate = this.links[this.windowHead * STRIDE + PREV];
    if (main === -1) return candidate;
    if (this.windowSize < this.windowLimit) return main;
    // Below the floor: not read for a whole aging span, so it yields to any newcomer. This
    // also bounds how long a victim whose sketch cells collide with hot keys can hold out.
    if (this.priority[this.minBucket] < this.floor) return main;
    return this.frequency(candidate) > this.frequency(main) ? main : candidate;
  }

  leastValuable(): number {
    if (this.windowSize !== 0) return this.links[this.windowHead * STRIDE + PREV];
    return this.minBucket === -1 ? -1 : this.buckets[this.minBucket * B_STRIDE + B_HEAD];
  }

  mostValuable(): number {
    if (this.minBucket === -1) return this.windowHead;
    const max = this.buckets[this.minBucket * B_STRIDE + B_PREV];
    return this.links[this.buckets[max * B_STRIDE + B_HEAD] * STRIDE + PREV];
  }

  lessValuable(slot: number): number {
    const links = this.links;
    const bucket = links[slot * STRIDE + BUCKET];
    if (bucket === IN_WINDOW) {
      const n = links[slot * STRIDE + NEXT];
      return n === this.windowHead ? -1 : n;
    }
    if (slot !== this.buckets[bucket * B_STRIDE + B_HEAD]) return links[slot * STRIDE + PREV];
    if (bucket === this.minBucket) return this.windowHead;
    const below = this.buckets[bucket * B_STRIDE + B_PREV];
    return links[this.buckets[below * B_STRIDE + B_HEAD] * STRIDE + PREV];
  }

  moreValuable(slot: number): number {
    const links = this.links;
    const bucket = links[slot * STRIDE + BUCKET];
    if (bucket === IN_WINDOW) {
      if (slot !== this.windowHead) return links[slot * STRIDE + PREV];
      return this.minBucket === -1 ? -1 : this.buckets[this.minBucket * B_STRIDE + B_HEAD];
    }
    const n = links[slot * STRIDE + NEXT];
    if (n !== this.buckets[bucket * B_STRIDE + B_HEAD]) return n;
    const up = this.buckets[bucket * B_STRIDE + B_NEXT];
    return up === this.minBucket ? -1 : this.buckets[up * B_STRIDE + B_HEAD];
  }

  rank(slot: number): number {
    const bucket = this.links[slot * STRIDE + BUCKET];
    return bucket === IN_WINDOW ? 0 : this.priority[bucket] - this.priority[this.minBucket];
  }

  seed(slot: number, rank: number, accessCount: number, hash: number): void {
    const at = slot * STRIDE;
    this.links[at + COUNT] = accessCount;
    this.links[at + HASH] = hash;
    const priority = rank;
    if (rank - MAX_LEAD > this.floor) this.floor = rank - MAX_LEAD;
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
    this.insertions = 0;
    this.freeBuckets = [];
    this.bucketsUsed = 0;
    this.windowHead = -1;
    this.windowSize = 0;
    this.sketch = new FrequencySketch(this.capacity);
  }

  /** The sketch's estimate, or the access count for keys without a content hash. */
  private frequency(slot: number): number {
    const hash = this.links[slot * STRIDE + HASH];
    return hash >= 0 ? this.sketch.estimate(hash) : this.links[slot * STRIDE + COUNT] >>> 0;
  }

  private linkWindow(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + BUCKET] = IN_WINDOW;
    const head = this.windowHead;
    if (head === -1) {
      links[at + NEXT] = slot;
      links[at + PREV] = slot;
    } else {
      const tail = links[head * STRIDE + PREV];
      links[at + NEXT] = head;
      links[at + PREV] = tail;
      links[tail * STRIDE + NEXT] = slot;
      links[head * STRIDE + PREV] = slot;
    }
    this.windowHead = slot;
    this.windowSize++;
  }

  private unlinkWindow(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    const n = links[at + NEXT];
    this.windowSize--;
    if (n === slot) {
      this.windowHead = -1;
      return;
    }
    const p = links[at + PREV];
    links[p * STRIDE + NEXT] = n;
    links[n * STRIDE + PREV] = p;
    if (this.windowHead === slot) this.windowHead = n;
  }

  /** Links `slot`, leaving the window, into the main part at L + its accesses (at most L + MAX_LEAD). */
  private addToMain(slot: number): void {
    const priority = this.floor + Math.min(this.links[slot * STRIDE + COUNT] >>> 0, MAX_LEAD);
    const min = this.minBucket;
    if (min === -1) {
      this.append(this.soleBucket(priority), slot);
      return;
    }
    // No priority exceeds L + MAX_LEAD: walking down from the top takes at most MAX_LEAD steps.
    let bucket = this.buckets[min * B_STRIDE + B_PREV];
    while (this.priority[bucket] > priority && bucket !== min) bucket = this.buckets[bucket * B_STRIDE + B_PREV];
    if (this.priority[bucket] !== priority) {
      const created = this.newBucket(priority);
      if (this.priority[bucket] < priority) {
        this.linkBucketAfter(bucket, created);
      } else {
        this.linkBucketAfter(this.buckets[min * B_STRIDE + B_PREV], created);
        this.minBucket = created;
      }
      bucket = created;
    }
    this.append(bucket, slot);
  }

  private removeFromMain(slot: number): void {
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
