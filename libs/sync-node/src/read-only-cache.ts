import type { Cache, CacheEntryInfo, CacheStats, Strategy } from '@meshcache/cache-core';
import type { EntryRecord } from './entry-store.js';

/**
 * What the server may see of a node's cache: reads without side effects on replication. Every
 * change goes through `ReplicaNode` (`set`, `delete`, `clear`, `setStrategy`), so none can
 * bypass the clock guard, the backlog or the peers.
 */
export class ReadOnlyCache {
  constructor(private readonly cache: Cache<string, EntryRecord>) {}

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
    return this.cache.has(key);
  }

  /**
   * The record, counting a hit or a miss and the access (as `ReplicaNode.get`, with one lookup
   * and no new object: for hot read paths that need only the value and its expiry).
   */
  get(key: string): EntryRecord | undefined {
    return this.cache.get(key);
  }

  /** The record without counting an access. */
  peek(key: string): EntryRecord | undefined {
    return this.cache.peek(key);
  }

  peekEntry(key: string): CacheEntryInfo<EntryRecord> | undefined {
    return this.cache.peekEntry(key);
  }

  keys(): IterableIterator<string> {
    return this.cache.keys();
  }

  entries(): IterableIterator<[string, EntryRecord]> {
    return this.cache.entries();
  }

  stats(): CacheStats {
    return this.cache.stats();
  }
}
