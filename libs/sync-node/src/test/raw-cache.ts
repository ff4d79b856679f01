import type { Cache } from '@meshcache/cache-core';
import type { CacheEntryStore } from '../cache-entry-store.js';
import type { EntryRecord } from '../entry-store.js';
import type { ReplicaNode } from '../replica-node.js';

/**
 * The node's mutable cache, for tests that fake what replication cannot produce on its own (an
 * entry no stream will deliver, a local eviction on demand). Production code only gets the
 * read-only view (`node.cache`).
 */
export const rawCache = (node: ReplicaNode): Cache<string, EntryRecord> => (node as unknown as { store: CacheEntryStore }).store.cache;
