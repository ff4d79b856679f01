import type { Cache, CacheEntryInfo, CacheStats, Strategy } from '@meshcache/cache-core';
import type { CacheEntryStore } from './cache-entry-store.js';
import type { EntryRecord } from './entry-store.js';

/**
 * What the server may see of a node's cache: reads without side effects on replication. Every
 * change goes through `ReplicaNode` (`set`, `delete`, `clear`, `setStrategy`), so none can
 * bypass the clock guard, the backlog or the peers. While a clear is swept in steps
 * (`CacheEntryStore.sweepOlderThan`) the entries it removes are gone for every read here too;
 * `size` and `stats` count them until the sweep reaches them.
 */
export class ReadOnlyCache {
  private readonly cache: Cache<string, EntryRecord>;

  constructor(private readonly store: CacheEntryStore) {
    this.cache = store.cache;
  }

  get size(): number {
    return this.cache.size;
  }

  get capacity(): number {
    return this.cache.capacity;
  }

  get strategy(): Strategy {
    return this.cache.strategy;
  }

  /** Whether a switch to `strategy` is still being built in steps (the old policy evicts until then). */
  get switchingStrategy(): boolean {
    return this.cache.switchingStrategy;
  }

  /** Approximate bytes held, when the cache has a byte budget. */
  get bytes(): number {
    return this.cache.bytes;
  }

  has(key: string): boolean {
    return this.store.sweeping ? this.store.peek(key) !== undefined : this.cache.has(key);
  }

  /**
   * The record, counting a hit or a miss and the access (as `ReplicaNode.get`, with one lookup
   * and no new object: for hot read paths that need only the value and its expiry).
   */
  get(key: string): EntryRecord | undefined {
    const record = this.cache.get(key);
    return record === undefined || !this.store.sweeping ? record : this.store.unlessSwept(key, record);
  }

  /** The record without counting an access. */
  peek(key: string): EntryRecord | undefined {
    return this.store.peek(key);
  }

  peekEntry(key: string): CacheEntryInfo<EntryRecord> | undefined {
    const info = this.cache.peekEntry(key);
    return info === undefined || !this.store.sweeping || this.store.unlessSwept(key, info.value) !== undefined ? info : undefined;
  }

  keys(): IterableIterator<string> {
    return this.store.sweeping ? this.store.keys().reverse().values() : this.cache.keys();
  }

  entries(): IterableIterator<[string, EntryRecord]> {
    return this.store.sweeping ? this.store.list().reverse().values() : this.cache.entries();
  }

  stats(): CacheStats {
    return this.cache.stats();
  }
}
