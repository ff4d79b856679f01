import { collectSlots, grownInt32, renumberStamps, slotsByStamp, STAMP_LIMIT, type EvictionPolicy } from './eviction-policy.js';
import { FrequencySketch } from './frequency-sketch.js';
import * as slotList from './slot-list.js';
import type { PolicyDescriptor } from './strategies.js';
import { MAIN_READ_SIDE, MAIN_SIDE, WINDOW_SIDE, WindowRegrets } from './window-regrets.js';

// Module-local aliases: tsx and ts-jest compile imports to CommonJS getters, which TurboFan
// did not inline into the hot paths (a third of a 1k-entry get's time, profiled).
const { linkHead, NEXT, PREV, unlinkFrom } = slotList;

// Per slot in `links`: [next, prev, queue, access count, key hash, access stamp].
const QUEUE = 2;
const COUNT = 3;
const HASH = 4;
const STAMP = 5;
const STRIDE = 6;
// The three LRU queues; each is circular, its head the most recent entry.
const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
/**
 * 1% of the capacity starts in the window (Caffeine's default). 90% of the main part starts
 * protected where Caffeine keeps a fixed 80%: from there the main part's ghosts move it
 * (resizeProtected). Fixed, no share served every trace of the benchmark (docs/BENCHMARKS.md):
 * 95% won the scans at 1k and lost the moving hot set by 2 points, 90% the other way round.
 */
const MAIN_SHARE = 0.99;
const PROTECTED_SHARE = 0.9;
/**
 * Bounds of the protected share as main ghosts move it (WindowRegrets): at least half of the
 * main part, and at most 99% so probation always has room to try a newcomer. Measured at 1k
 * (2026-12-01): the results barely move with the lower bound (0.2–0.8), and a top of 97%
 * instead of 99% cost 0.1–0.2 points on Zipf and scans.
 */
const MIN_PROTECTED_SHARE = 0.5;
const MAX_PROTECTED_SHARE = 0.99;
/**
 * Hill climbing (Caffeine's step 6.25% of capacity, decay 0.98, restart on a 5% change), on
 * samples of 40 x capacity requests: Caffeine samples 10 x capacity, which on bursty traffic
 * (scans, one-hit-wonder bursts) measured the bursts, not the window, and cost up to 0.8
 * points of hit ratio against a fixed window (docs/BENCHMARKS.md).
 */
const SAMPLE_FACTOR = 40;
const STEP_SHARE = 0.0625;
const STEP_DECAY = 0.98;
const RESTART_THRESHOLD = 0.05;
/** At most this many entries change queue per adaptation, so a step stays O(1). */
const TRANSFER_LIMIT = 1000;
/** A candidate this frequent that loses admission still wins 1 time in 1024 (defeats hash flooding). */
const HASH_FLOOD_THRESHOLD = 6;

/**
 * Adaptive W-TinyLFU, after Caffeine (Einziger, Friedman & Manes, "TinyLFU", 2017, and
 * Einziger, Eytan, Friedman & Manes, "Adaptive Software Cache Management", 2018).
 *
 * A new key enters a small LRU *window*, so it can always be read right after it is written.
 * The rest of the cache is a segmented LRU: *probation* for entries that left the window,
 * *protected* (50–99% of the main part) for entries read again while on probation. When
 * the cache is full, the window's oldest entry (the candidate) competes with probation's
 * oldest (the victim) on a FrequencySketch estimate, which also remembers keys no longer
 * cached: the less frequent one is evicted. One-off keys thus pass through the window
 * without displacing keys that recur, while recency still governs each queue.
 *
 * The window's share adapts by hill climbing: every 40 x capacity requests the hit ratio of
 * the sample is compared with the previous one, and the window grows or shrinks by a step
 * that decays while the ratio is stable (recency-heavy workloads end up with a large window,
 * frequency-heavy ones with a small one). Hits and misses are counted as accesses and
 * insertions, which is what the policy sees.
 *
 * The climber alone cannot leave a plateau: when every window below some size gives the same
 * hit ratio (keys read twice a little further apart than the window holds), its samples see
 * no gain and it never finds the larger window. So evicted keys also leave ghosts
 * (WindowRegrets, after ARC): missing a key soon after the window evicted it (admission
 * rejected it) grows the window; missing one soon after the main part evicted it shrinks it.
 * The same ghosts split the main part: missing a key soon after probation evicted it unread
 * grows probation, missing one that had been read again grows protected.
 */
export class TinyLfuPolicy implements EvictionPolicy {
  private links: Int32Array;
  private readonly heads = new Int32Array([-1, -1, -1]);
  private readonly sizes = new Int32Array(3);
  private windowMax: number;
  private protectedMax: number;
  private readonly capacity: number;
  private sketch: FrequencySketch;
  private clock = 0;
  private hits = 0;
  private misses = 0;
  private readonly sampleSize: number;
  /**
   * -0, not 0: V8 lays a field out by its first value, and a field first holding a small
   * integer that later holds a fraction moves every instance to a new hidden class (map). Caches
   * that never climbed and caches that did then had different maps, and code shared by every
   * strategy (`Cache.get`/`set`) was deoptimised each time a new one appeared. -0 is a double
   * equal to 0 in every comparison and sum here.
   */
  private previousHitRatio = -0;
  private stepSize: number;
  private random = 0x9e3779b9;
  private regrets: WindowRegrets;

  constructor(slots: number, capacity: number) {
    this.links = new Int32Array(slots * STRIDE);
    this.capacity = capacity;
    this.windowMax = capacity - Math.floor(MAIN_SHARE * capacity);
    this.protectedMax = Math.floor(PROTECTED_SHARE * (capacity - this.windowMax));
    this.sketch = new FrequencySketch(capacity);
    this.sampleSize = SAMPLE_FACTOR * capacity;
    this.stepSize = -STEP_SHARE * capacity;
    this.regrets = new WindowRegrets(capacity);
  }

  grow(slots: number): void {
    this.links = grownInt32(this.links, slots * STRIDE);
  }

  add(slot: number, hash: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT] = 1;
    links[at + HASH] = hash;
    this.stamp(at);
    if (hash >= 0) this.sketch.increment(hash);
    this.link(WINDOW, slot);
    // Keys without a content hash leave no ghost to find.
    if (hash >= 0) {
      this.resize(this.regrets.missed(hash, this.clock));
      this.resizeProtected(this.regrets.takeProtectedAdjustment());
    }
    this.drainWindow();
    if (++this.misses + this.hits >= this.sampleSize) this.climb();
  }

  recycle(slot: number, hash: number): void {
    this.remember(slot);
    this.unlink(slot);
    this.add(slot, hash);
  }

  touch(slot: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT]++;
    this.stamp(at);
    const hash = links[at + HASH];
    if (hash >= 0) this.sketch.increment(hash);
    this.hits++;
    const queue = links[at + QUEUE];
    if (queue === PROBATION) {
      this.unlink(slot);
      this.link(PROTECTED, slot);
      this.demoteProtected();
    } else if (slot !== this.heads[queue]) {
      this.unlink(slot);
      this.link(queue, slot);
    }
  }

  accessCount(slot: number): number {
    return this.links[slot * STRIDE + COUNT] >>> 0;
  }

  remove(slot: number): void {
    this.unlink(slot);
  }

  evict(slot: number): void {
    this.remember(slot);
    this.unlink(slot);
  }

  /**
   * Decided before the new entry is added: if the window is full, its oldest entry will move
   * to probation, so it competes with probation's oldest; otherwise the main part gives way.
   */
  victim(): number {
    const candidate = this.sizes[WINDOW] >= this.windowMax ? this.oldest(WINDOW) : -1;
    let main = this.oldest(PROBATION);
    if (main === -1) main = this.oldest(PROTECTED);
    if (candidate === -1) return main === -1 ? this.oldest(WINDOW) : main;
    if (main === -1) return candidate;
    return this.admit(candidate, main) ? main : candidate;
  }

  leastValuable(): number {
    for (const queue of [PROBATION, WINDOW, PROTECTED]) if (this.heads[queue] !== -1) return this.oldest(queue);
    return -1;
  }

  /** Value order, most valuable first: protected, then window, then probation, each most recent first. */
  mostValuable(): number {
    for (const queue of [PROTECTED, WINDOW, PROBATION]) if (this.heads[queue] !== -1) return this.heads[queue];
    return -1;
  }

  lessValuable(slot: number): number {
    const queue = this.links[slot * STRIDE + QUEUE];
    const n = this.links[slot * STRIDE + NEXT];
    if (n !== this.heads[queue]) return n;
    if (queue === PROTECTED && this.heads[WINDOW] !== -1) return this.heads[WINDOW];
    if (queue !== PROBATION) return this.heads[PROBATION];
    return -1;
  }

  moreValuable(slot: number): number {
    const queue = this.links[slot * STRIDE + QUEUE];
    if (slot !== this.heads[queue]) return this.links[slot * STRIDE + PREV];
    if (queue === PROBATION && this.heads[WINDOW] !== -1) return this.oldest(WINDOW);
    if (queue !== PROTECTED) return this.oldest(PROTECTED);
    return -1;
  }

  lastUse(slot: number): number {
    return this.links[slot * STRIDE + STAMP];
  }

  byRecency(): Int32Array {
    const slots = collectSlots(this.leastValuable(), (slot) => this.moreValuable(slot));
    return slotsByStamp(this.links, STRIDE, STAMP, slots);
  }

  /**
   * Seeded least recent first: each entry enters the window as if just used, and those the
   * window pushes out go to protected if they were read again, else to probation. The sketch
   * learns each key's access count (up to its cap).
   */
  seed(slot: number, accessCount: number, hash: number, recency: number): void {
    const links = this.links;
    const at = slot * STRIDE;
    links[at + COUNT] = accessCount;
    links[at + HASH] = hash;
    links[at + STAMP] = recency;
    if (recency >= this.clock) this.clock = recency + 1;
    if (hash >= 0) for (let i = Math.min(accessCount, 15); i > 0; i--) this.sketch.increment(hash);
    this.link(WINDOW, slot);
    while (this.sizes[WINDOW] > this.windowMax) {
      const oldest = this.oldest(WINDOW);
      this.unlink(oldest);
      this.link(links[oldest * STRIDE + COUNT] > 1 ? PROTECTED : PROBATION, oldest);
      this.demoteProtected();
    }
  }

  clear(): void {
    this.heads.fill(-1);
    this.sizes.fill(0);
    this.clock = 0;
    this.sketch = new FrequencySketch(this.capacity);
    this.regrets = new WindowRegrets(this.capacity);
  }

  private oldest(queue: number): number {
    const head = this.heads[queue];
    return head === -1 ? -1 : this.links[head * STRIDE + PREV];
  }

  /** The sketch's estimate, or the access count for keys without a content hash. */
  private frequency(slot: number): number {
    const hash = this.links[slot * STRIDE + HASH];
    return hash >= 0 ? this.sketch.estimate(hash) : this.links[slot * STRIDE + COUNT] >>> 0;
  }

  private admit(candidate: number, victim: number): boolean {
    const candidateFrequency = this.frequency(candidate);
    if (candidateFrequency > this.frequency(victim)) return true;
    if (candidateFrequency < HASH_FLOOD_THRESHOLD) return false;
    // xorshift32: deterministic, so runs and tests repeat exactly.
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return (x & 1023) === 0;
  }

  /** Moves the window's oldest entries to probation while the window is over its share. */
  private drainWindow(): void {
    for (let moved = 0; this.sizes[WINDOW] > this.windowMax && moved < TRANSFER_LIMIT; moved++) {
      const oldest = this.oldest(WINDOW);
      this.unlink(oldest);
      this.link(PROBATION, oldest);
    }
  }

  /**
   * Grows the protected part by `adjustment` entries of the main part (negative: shrinks it),
   * within MIN_PROTECTED_SHARE and MAX_PROTECTED_SHARE of it, and by at most TRANSFER_LIMIT
   * entries at a time so a step stays O(1).
   */
  private resizeProtected(adjustment: number): void {
    if (adjustment === 0) return;
    adjustment = Math.max(-TRANSFER_LIMIT, Math.min(TRANSFER_LIMIT, adjustment));
    const main = this.capacity - this.windowMax;
    const least = Math.floor(MIN_PROTECTED_SHARE * main);
    const next = this.protectedMax + adjustment;
    // Never moved the other way: the window's own steps may have left it outside the bounds.
    if (adjustment > 0) this.protectedMax = Math.max(this.protectedMax, Math.min(Math.floor(MAX_PROTECTED_SHARE * main), next));
    else this.protectedMax = Math.min(this.protectedMax, Math.max(least, next));
    this.demoteProtected();
  }

  private demoteProtected(): void {
    while (this.sizes[PROTECTED] > this.protectedMax) {
      const oldest = this.oldest(PROTECTED);
      this.unlink(oldest);
      this.link(PROBATION, oldest);
    }
  }

  private climb(): void {
    const requests = this.hits + this.misses;
    const hitRatio = this.hits / requests;
    const change = hitRatio - this.previousHitRatio;
    const amount = change >= 0 ? this.stepSize : -this.stepSize;
    this.stepSize =
      Math.abs(change) >= RESTART_THRESHOLD ? STEP_SHARE * this.capacity * (amount >= 0 ? 1 : -1) : STEP_DECAY * amount;
    this.previousHitRatio = hitRatio;
    this.hits = 0;
    this.misses = 0;
    this.resize(Math.trunc(amount));
  }

  /** Grows the window by `adjustment` entries taken from the main part, or shrinks it if negative. */
  private resize(adjustment: number): void {
    if (adjustment > 0) this.growWindow(adjustment);
    else if (adjustment < 0) this.shrinkWindow(-adjustment);
  }

  /**
   * Leaves the evicted key's ghost, so that missing it again soon resizes the window
   * (WindowRegrets). A window ghost is dated from the key's last use, a main one from its
   * eviction: a larger window (at most the whole cache, an LRU) only hits a key used again
   * within about a capacity of requests, however long the key sat in the window. Dated from
   * the eviction, the keys of a loop slightly larger than the cache (used again 1.1 x capacity
   * requests later, rejected after waiting in the window) counted as window regrets, and once
   * the sketch stopped colliding at 1,000 entries they grew the window until the loop missed
   * (hit ratio 89 -> 66%). Main victims were last used long before they are evicted, so theirs
   * stays the eviction time (dated from last use they never counted and the window only grew).
   */
  private remember(slot: number): void {
    const at = slot * STRIDE;
    const hash = this.links[at + HASH];
    if (hash < 0) return;
    if (this.links[at + QUEUE] === WINDOW) this.regrets.evicted(hash, WINDOW_SIDE, this.links[at + STAMP]);
    else this.regrets.evicted(hash, this.links[at + COUNT] > 1 ? MAIN_READ_SIDE : MAIN_SIDE, this.clock);
  }

  /** The window's current share of the capacity, in entries (what the hill climber tunes). */
  get windowCapacity(): number {
    return this.windowMax;
  }

  /** Moves up to `quota` entries from the main part's oldest into the window, and its share with them. */
  private growWindow(quota: number): void {
    quota = Math.min(quota, this.protectedMax, TRANSFER_LIMIT);
    this.protectedMax -= quota;
    this.windowMax += quota;
    this.demoteProtected();
    for (; quota > 0; quota--) {
      let oldest = this.oldest(PROBATION);
      if (oldest === -1) oldest = this.oldest(PROTECTED);
      if (oldest === -1) break;
      this.unlink(oldest);
      this.link(WINDOW, oldest);
    }
    // Slots the main part did not have yet stay with it.
    this.protectedMax += quota;
    this.windowMax -= quota;
  }

  private shrinkWindow(quota: number): void {
    quota = Math.min(quota, this.windowMax - 1, TRANSFER_LIMIT);
    this.protectedMax += quota;
    this.windowMax -= quota;
    this.drainWindow();
  }

  private stamp(at: number): void {
    if (this.clock === STAMP_LIMIT) this.clock = renumberStamps(this.links, STRIDE, STAMP, this.byRecency());
    this.links[at + STAMP] = this.clock++;
  }

  /** Makes `slot` the most recent entry of `queue`. */
  private link(queue: number, slot: number): void {
    this.links[slot * STRIDE + QUEUE] = queue;
    this.sizes[queue]++;
    linkHead(this.links, STRIDE, this.heads, queue, slot);
  }

  private unlink(slot: number): void {
    const queue = this.links[slot * STRIDE + QUEUE];
    this.sizes[queue]--;
    unlinkFrom(this.links, STRIDE, this.heads, queue, slot);
  }
}

export const tinylfu = {
  name: 'tinylfu',
  summary: 'adaptive W-TinyLFU: admit a new key only if it is used more often than the key it would evict',
  hashesKeys: true,
  seedOrder: 'recency',
  sizedByCapacity: true,
  create: (slots: number, capacity: number) => new TinyLfuPolicy(slots, capacity),
} as const satisfies PolicyDescriptor;
