import { Cache, type EvictionReason, type Strategy } from '@meshcache/cache-core';
import { compareHlc, type Hlc } from '@meshcache/sync-protocol';
import { keptThroughClear, type EntryRecord, type EntryStore, type PutResult } from './entry-store.js';
import { RecentWrites } from './recent-writes.js';

export interface CacheEntryStoreOptions {
  capacity: number;
  strategy: Strategy;
  maxBytes?: number;
  sizeOf?: (value: unknown, key: string) => number;
  now: () => number;
  /** Entries that left on the cache's own decision (eviction or expiry). */
  onLocalRemoval: (key: string, record: EntryRecord, kind: 'expired' | 'evicted') => void;
  /** The user's hook, called with the user's value for every reason. */
  onEvict?: (key: string, value: unknown, reason: EvictionReason) => void;
  /** How many writes `clearOlderThan` remembers (default RECENT_WRITES). */
  recentWrites?: number;
}

/** Live entries in a cache-core `Cache`, whose policy decides what a full node forgets. */
export class CacheEntryStore implements EntryStore {
  readonly cache: Cache<string, EntryRecord>;
  /** Keys stored with a TTL, so expired ones can be found and reported before a snapshot. */
  private readonly ttlKeys = new Set<string>();
  private readonly recent: RecentWrites;
  private readonly now: () => number;
  /** Wholesale clears so far: the entries kept by one moved to other slots (see `layoutVersion`). */
  private clears = 0;
  /**
   * The stamp of a clear being swept in steps (`sweepOlderThan`), null when none is: entries
   * stamped before it may still sit in the cache, and every read treats them as gone.
   */
  private sweepBelow: Hlc | null = null;
  /** The next slot the sweep looks at, and the layout its slots belong to. */
  private sweepCursor = 0;
  private sweepLayout = 0;

  constructor(options: CacheEntryStoreOptions) {
    const { sizeOf, onEvict, onLocalRemoval } = options;
    this.recent = new RecentWrites(options.recentWrites);
    this.now = options.now;
    this.cache = new Cache<string, EntryRecord>({
      capacity: options.capacity,
      strategy: options.strategy,
      now: options.now,
      ...(options.maxBytes !== undefined && sizeOf !== undefined
        ? { maxBytes: options.maxBytes, sizeOf: (record: EntryRecord, key: string) => sizeOf(record.value, key) }
        : {}),
      onEvict: (key, record, reason) => {
        if (reason !== 'set' && record.expiresAt !== undefined) this.ttlKeys.delete(key);
        if (reason === 'expire') onLocalRemoval(key, record, 'expired');
        else if (reason === 'evict') onLocalRemoval(key, record, 'evicted');
        onEvict?.(key, record.value, reason);
      },
    });
  }

  peek(key: string): EntryRecord | undefined {
    const record = this.cache.peek(key);
    return record === undefined || this.sweepBelow === null ? record : this.unlessSwept(key, record);
  }

  /** Whether a clear is being swept in steps (reads of the cache must pass `unlessSwept`). */
  get sweeping(): boolean {
    return this.sweepBelow !== null;
  }

  /**
   * `record`, read from the cache under `key`, unless the clear being swept removes it: then it
   * goes now (reported with reason `delete`, as the sweep would) and the answer is undefined.
   */
  unlessSwept(key: string, record: EntryRecord): EntryRecord | undefined {
    if (this.sweepBelow === null || compareHlc(record.hlc, this.sweepBelow) >= 0) return record;
    this.cache.delete(key);
    return undefined;
  }

  put(key: string, record: EntryRecord, ttlMs: number | undefined): PutResult {
    const result = this.cache.set(key, record, ttlMs === undefined ? undefined : { ttlMs });
    if (!result.ok) return { ok: false, code: result.code, message: result.message };
    if (record.expiresAt !== undefined) this.ttlKeys.add(key);
    this.recent.note(key, record.hlc);
    // cache-core's result is a shared frozen object with the same shape: no allocation per write.
    return result;
  }

  remove(key: string): void {
    this.cache.delete(key);
  }

  size(): number {
    return this.cache.size;
  }

  list(): [string, EntryRecord][] {
    this.purgeExpired();
    const out = [...this.cache.entries()];
    return (this.sweepBelow === null ? out : out.filter(([key, record]) => this.unlessSwept(key, record) !== undefined)).reverse();
  }

  keys(): string[] {
    if (this.sweepBelow !== null) return this.list().map(([key]) => key);
    this.purgeExpired();
    return [...this.cache.keys()].reverse();
  }

  /**
   * `Cache.scan` in steps of `batchSize` slots. When the entries moved to other slots meanwhile
   * (a compacting resize, a wholesale clear that kept some; a strategy switch does not), the walk
   * starts again: keys given twice are harmless to a merge, keys skipped would not be. Expired
   * entries it passes are reported (as graves) on the way.
   */
  *walkKeys(batchSize: number): Generator<string[]> {
    let layout = this.layoutVersion;
    let cursor = 0;
    do {
      if (this.layoutVersion !== layout) {
        layout = this.layoutVersion;
        cursor = 0;
      }
      const page = this.cache.scan(cursor, batchSize);
      cursor = page.next;
      yield page.keys;
    } while (cursor !== 0);
  }

  /**
   * Changes whenever live entries move to other slots: the cache's own moves (a compacting
   * resize) and a wholesale clear, which puts the entries it keeps back in other slots. A slot walk begun
   * before must start again or miss them.
   */
  get layoutVersion(): number {
    return this.cache.layoutVersion + this.clears;
  }

  /**
   * Empties the cache wholesale (`Cache.clear` without a report per entry, and the TTL keys with
   * it), then puts back the few entries newer than `hlc`: those lose their recency and access
   * counts, as if written again. A kept entry expired meanwhile went out through `peek`, which
   * reported it (a grave newer than the clear).
   */
  clearOlderThan(hlc: Hlc): boolean {
    const kept = keptThroughClear(this, this.recent, hlc);
    if (kept === null) return false;
    this.cache.clear({ report: false });
    this.ttlKeys.clear();
    this.recent.reset();
    this.clears++;
    // Everything a sweep under way would still remove went now (a watermark only rises).
    this.sweepBelow = null;
    const now = this.now();
    // The cache's own expiry may be a millisecond behind the record's: at least 1 ms left.
    for (const [key, record] of kept) this.put(key, record, record.expiresAt === undefined ? undefined : Math.max(1, record.expiresAt - now));
    return true;
  }

  /**
   * Removes the entries stamped before `hlc` in steps of `sweepSteps`, for a clear that
   * `clearOlderThan` could not decide (one that arrives after more than the remembered writes):
   * at a million keys one pass blocked the loop for most of a second. From this call on, every
   * read (`peek`, `list`, `keys`, and `ReadOnlyCache`, which asks `unlessSwept`) treats those
   * entries as gone, so no reader sees the clear half applied; only `size` and the cache's
   * stats still count the entries not yet swept. A newer clear restarts the sweep from the
   * first slot, since slots passed may hold entries older than it.
   */
  sweepOlderThan(hlc: Hlc): void {
    if (this.sweepBelow !== null && compareHlc(hlc, this.sweepBelow) <= 0) return;
    this.sweepBelow = hlc;
    this.sweepCursor = 0;
    this.sweepLayout = this.layoutVersion;
  }

  /** The sweep, `batchSize` slots per step (drive it with `runInSteps`); done when none runs. */
  *sweepSteps(batchSize: number): Generator<void, void> {
    while (this.sweepBelow !== null) {
      if (this.layoutVersion !== this.sweepLayout) {
        // Entries moved to other slots (a compacting resize): the walk starts again.
        this.sweepLayout = this.layoutVersion;
        this.sweepCursor = 0;
      }
      const page = this.cache.scan(this.sweepCursor, batchSize);
      for (const key of page.keys) this.peek(key);
      this.sweepCursor = page.next;
      if (page.next === 0) this.sweepBelow = null;
      else yield;
    }
  }

  /** Makes the cache report every expired entry now, so its stamp is kept as a grave. */
  purgeExpired(): void {
    for (const key of [...this.ttlKeys]) this.cache.peek(key);
  }
}
