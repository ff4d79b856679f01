import type { EvictionReason } from '../index.js';

/** The strategies this model decides victims for; tinylfu's admission is checked elsewhere. */
export type ModelStrategy = 'lru' | 'lfu';

interface ModelEntry<V> {
  value: V;
  /** When it was last used: a set or a read hit. */
  stamp: number;
  accessCount: number;
  expiresAt: number | undefined;
  size: number;
}

export type ModelEvent<K, V> = [K, V, EvictionReason];

/**
 * The obviously correct cache the real one is checked against: every decision is a linear
 * scan or a sort over a Map, following the documented rules.
 *
 * Every entry has an access count (1 for the set that stored it, +1 per read hit or
 * overwrite) and a stamp of its last use. LRU evicts the oldest stamp; LFU the lowest count,
 * ties the oldest stamp. Switching strategy changes only which rule applies: counts and
 * stamps are kept, which is what the real cache promises.
 */
export class ReferenceCache<K, V> {
  readonly entries = new Map<K, ModelEntry<V>>();
  readonly events: ModelEvent<K, V>[] = [];
  private tick = 0;
  hits = 0;
  misses = 0;
  sets = 0;
  deletes = 0;
  evictions = 0;
  expirations = 0;

  constructor(
    public strategy: ModelStrategy,
    public capacity: number,
    public now: number,
    private readonly maxBytes = Infinity,
    private readonly sizeOf: (v: V) => number = () => 0,
  ) {}

  private expired(e: ModelEntry<V>): boolean {
    return e.expiresAt !== undefined && e.expiresAt <= this.now;
  }

  private less(a: ModelEntry<V>, b: ModelEntry<V>): boolean {
    if (this.strategy === 'lfu' && a.accessCount !== b.accessCount) return a.accessCount < b.accessCount;
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

  private touch(e: ModelEntry<V>): void {
    e.accessCount++;
    e.stamp = ++this.tick;
  }

  private drop(key: K, reason: EvictionReason): void {
    const e = this.entries.get(key) as ModelEntry<V>;
    this.entries.delete(key);
    this.events.push([key, e.value, reason]);
    if (reason === 'expire') this.expirations++;
  }

  private evictOne(keep?: K): void {
    const order = this.ordered();
    const [key, e] = order[0][0] === keep ? order[1] : order[0];
    if (this.expired(e)) this.drop(key, 'expire');
    else {
      this.drop(key, 'evict');
      this.evictions++;
    }
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
      e = { value, stamp: ++this.tick, accessCount: 1, expiresAt: undefined, size };
      this.entries.set(key, e);
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
  }

  resize(capacity: number): void {
    while (this.entries.size > capacity) this.evictOne();
    this.capacity = capacity;
  }

  setStrategy(strategy: ModelStrategy): void {
    this.strategy = strategy;
  }

  /**
   * What a dump and load into a new cache does: expired entries vanish, counts stay, stats
   * restart, and the dump's order (most valuable first) becomes the recency order.
   */
  reload(): void {
    for (const [key, e] of [...this.entries]) if (this.expired(e)) this.entries.delete(key);
    for (const [, e] of this.ordered()) e.stamp = ++this.tick;
    this.hits = this.misses = this.sets = this.deletes = this.evictions = this.expirations = 0;
  }

  accessCount(key: K): number | undefined {
    const e = this.entries.get(key);
    return e === undefined || this.expired(e) ? undefined : e.accessCount;
  }
}
