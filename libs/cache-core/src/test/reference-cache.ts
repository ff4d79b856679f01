import { FrequencySketch, hashKey } from '../frequency-sketch.js';
import type { EvictionReason, Strategy } from '../index.js';

interface ModelEntry<V> {
  value: V;
  priority: number;
  stamp: number;
  accessCount: number;
  expiresAt: number | undefined;
  size: number;
  inWindow: boolean;
  hash: number;
}

export type ModelEvent<K, V> = [K, V, EvictionReason];

/**
 * The obviously correct cache the real one is checked against: every decision is a linear
 * scan or a sort over a Map, following the documented rules.
 *
 * LRU: victim = oldest stamp. LFU: a new key enters a window (1% of capacity, at least 1);
 * when the window is full, its oldest entry moves to the main part at `floor` + its accesses
 * (at most 15). Main order is (priority, stamp); a hit adds 1 to the priority, up to
 * `floor + 15`. When the cache is full, the victim is the main minimum unless the window is
 * full; then a main minimum below `floor` goes, else the window's oldest entry and the main
 * minimum compete on the sketch's estimate and the less frequent goes. `floor` rises by 1
 * every 8 x capacity insertions, and to the lowest main priority when the main part evicts.
 * The frequency sketch is the library's own (specified by its own tests: a deterministic
 * function of the sequence of hashes).
 */
export class ReferenceCache<K, V> {
  readonly entries = new Map<K, ModelEntry<V>>();
  readonly events: ModelEvent<K, V>[] = [];
  private tick = 0;
  private floor = 0;
  private insertions = 0;
  private readonly lead = 15;
  private sketch: FrequencySketch;
  hits = 0;
  misses = 0;
  sets = 0;
  deletes = 0;
  evictions = 0;
  expirations = 0;

  constructor(
    public strategy: Strategy,
    public capacity: number,
    public now: number,
    private readonly maxBytes = Infinity,
    private readonly sizeOf: (v: V) => number = () => 0,
  ) {
    this.sketch = new FrequencySketch(capacity);
  }

  private expired(e: ModelEntry<V>): boolean {
    return e.expiresAt !== undefined && e.expiresAt <= this.now;
  }

  private less(a: ModelEntry<V>, b: ModelEntry<V>): boolean {
    if (this.strategy === 'lfu') {
      if (a.inWindow !== b.inWindow) return a.inWindow;
      if (!a.inWindow && a.priority !== b.priority) return a.priority < b.priority;
    }
    return a.stamp < b.stamp;
  }

  /** Least valuable first. */
  ordered(): [K, ModelEntry<V>][] {
    return [...this.entries].sort(([, a], [, b]) => (this.less(a, b) ? -1 : this.less(b, a) ? 1 : 0));
  }

  liveKeys(): K[] {
    return this.ordered()
      .filter(([, e]) => !this.expired(e))
      .map(([k]) => k)
      .reverse();
  }

  private windowLimit(): number {
    return Math.max(1, Math.floor(this.capacity * 0.01));
  }

  private frequency(e: ModelEntry<V>): number {
    return e.hash >= 0 ? this.sketch.estimate(e.hash) : e.accessCount;
  }

  private victim(): [K, ModelEntry<V>] {
    const order = this.ordered();
    if (this.strategy === 'lru') return order[0];
    const window = order.filter(([, e]) => e.inWindow);
    const main = order.filter(([, e]) => !e.inWindow);
    if (window.length === 0) return main[0];
    if (main.length === 0) return window[0];
    if (window.length < this.windowLimit()) return main[0];
    if (main[0][1].priority < this.floor) return main[0];
    return this.frequency(window[0][1]) > this.frequency(main[0][1]) ? main[0] : window[0];
  }

  private touch(e: ModelEntry<V>): void {
    e.accessCount++;
    if (this.strategy === 'lfu') {
      if (e.hash >= 0) this.sketch.increment(e.hash);
      if (!e.inWindow && e.priority < this.floor + this.lead) e.priority++;
    }
    e.stamp = ++this.tick;
  }

  private drop(key: K, reason: EvictionReason): void {
    const e = this.entries.get(key) as ModelEntry<V>;
    this.entries.delete(key);
    this.events.push([key, e.value, reason]);
    if (reason === 'expire') this.expirations++;
  }

  private evictOne(keep?: K): void {
    let [key, e] = this.victim();
    if (key === keep) [key, e] = this.ordered()[0][0] === keep ? this.ordered()[1] : this.ordered()[0];
    if (this.strategy === 'lfu' && !e.inWindow) {
      const lowest = Math.min(...[...this.entries.values()].filter((x) => !x.inWindow).map((x) => x.priority));
      this.floor = Math.max(this.floor, lowest);
    }
    if (this.expired(e)) this.drop(key, 'expire');
    else {
      this.drop(key, 'evict');
      this.evictions++;
    }
  }

  private insert(key: K, value: V, size: number): ModelEntry<V> {
    const e: ModelEntry<V> = { value, priority: 0, stamp: 0, accessCount: 1, expiresAt: undefined, size, inWindow: false, hash: 0 };
    if (this.strategy === 'lfu') {
      e.hash = hashKey(key);
      if (e.hash >= 0) this.sketch.increment(e.hash);
      if (++this.insertions >= this.capacity * 8) {
        this.insertions = 0;
        this.floor++;
      }
      const window = this.ordered().filter(([, x]) => x.inWindow);
      if (window.length >= this.windowLimit()) {
        const oldest = window[0][1];
        oldest.inWindow = false;
        oldest.priority = this.floor + Math.min(oldest.accessCount, this.lead);
        oldest.stamp = ++this.tick;
      }
      e.inWindow = true;
    }
    e.stamp = ++this.tick;
    this.entries.set(key, e);
    return e;
  }

  private liveEntry(key: K): ModelEntry<V> | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (this.expired(e)) {
      this.drop(key, 'expire');
      return undefined;
    }
    return e;
  }

  get(key: K): V | undefined {
    const e = this.liveEntry(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.touch(e);
    return e.value;
  }

  peek(key: K): V | undefined {
    return this.liveEntry(key)?.value;
  }

  delete(key: K): boolean {
    const e = this.entries.get(key);
    if (e === undefined) return false;
    if (this.expired(e)) {
      this.drop(key, 'expire');
      return false;
    }
    this.drop(key, 'delete');
    this.deletes++;
    return true;
  }

  /** Returns false when refused as too large. */
  set(key: K, value: V, ttlMs: number | undefined): boolean {
    const size = this.sizeOf(value);
    if (size > this.maxBytes) return false;
    let e = this.entries.get(key);
    if (e !== undefined && this.expired(e)) {
      this.drop(key, 'expire');
      e = undefined;
    }
    if (e !== undefined) {
      if (e.value !== value) this.events.push([key, e.value, 'set']);
      e.value = value;
      e.size = size;
      this.touch(e);
    } else {
      if (this.entries.size >= this.capacity) this.evictOne();
      e = this.insert(key, value, size);
    }
    this.sets++;
    while (this.bytes() > this.maxBytes) this.evictOne(key);
    e.expiresAt = ttlMs === undefined ? undefined : this.now + ttlMs;
    return true;
  }

  bytes(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.size;
    return total;
  }

  /** An expiry the real cache's incremental sweep is allowed to have made. */
  acceptSweep(key: K): boolean {
    const e = this.entries.get(key);
    if (e === undefined || !this.expired(e)) return false;
    this.drop(key, 'expire');
    return true;
  }

  clear(): void {
    for (const [key, e] of this.ordered().reverse()) {
      if (this.expired(e)) this.expirations++;
      this.events.push([key, e.value, this.expired(e) ? 'expire' : 'clear']);
    }
    this.entries.clear();
    this.floor = 0;
    this.insertions = 0;
    this.sketch = new FrequencySketch(this.capacity);
  }

  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    while (this.entries.size > capacity) this.evictOne();
    this.capacity = capacity;
    if (this.strategy === 'lfu') this.rebuildLfu();
  }

  setStrategy(strategy: Strategy): void {
    if (strategy === this.strategy) return;
    if (strategy === 'lfu') {
      // Rank by access count; the stable sort keeps recency as the tie-break.
      const order = this.ordered().sort(([, a], [, b]) => a.accessCount - b.accessCount);
      this.strategy = strategy;
      this.install(order.map(([k, e]) => [k, e, e.accessCount]));
    } else {
      const order = this.ordered();
      this.strategy = strategy;
      for (const [, e] of order) {
        e.inWindow = false;
        e.stamp = ++this.tick;
      }
    }
  }

  /** LFU to LFU with a fresh sketch: window entries rank 0, main entries their priority above the lowest one. */
  private rebuildLfu(): void {
    const main = [...this.entries.values()].filter((e) => !e.inWindow).map((e) => e.priority);
    const lowest = main.length === 0 ? 0 : Math.min(...main);
    this.install(this.ordered().map(([k, e]) => [k, e, e.inWindow ? 0 : e.priority - lowest]));
  }

  /** Seeds ranks as priorities; the floor rises so that no priority is more than `lead` above it. */
  private install(order: [K, ModelEntry<V>, number][]): void {
    this.floor = 0;
    this.insertions = 0;
    this.sketch = new FrequencySketch(this.capacity);
    for (const [key, e, rank] of order) {
      e.hash = hashKey(key);
      e.inWindow = false;
      e.priority = rank;
      e.stamp = ++this.tick;
      this.floor = Math.max(this.floor, rank - this.lead);
    }
  }

  /** What a dump and load into a new cache does: expired entries vanish, order and counts stay, stats restart. */
  reload(): void {
    for (const [key, e] of [...this.entries]) if (this.expired(e)) this.entries.delete(key);
    if (this.strategy === 'lfu') this.rebuildLfu();
    this.hits = this.misses = this.sets = this.deletes = this.evictions = this.expirations = 0;
  }

  accessCount(key: K): number | undefined {
    const e = this.entries.get(key);
    return e === undefined || this.expired(e) ? undefined : e.accessCount;
  }
}
