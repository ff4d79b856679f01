import { compareHlc, type Hlc } from '@meshcache/sync-protocol';
import { RecentWrites } from './recent-writes.js';

/** What a node stores per live key: the value and the stamp of the write that produced it. */
export interface EntryRecord {
  value: unknown;
  hlc: Hlc;
  seq: number;
  /** Absolute expiry (ms since the epoch), the same on every node. */
  expiresAt: number | undefined;
}

/** `created`: the key was not live before the put (an insertion, not an overwrite). */
export type PutResult = { ok: true; created: boolean } | { ok: false; code: string; message: string };

/**
 * Where live entries are kept. The node backs it with a cache-core `Cache`; the merge-rule
 * property tests back it with a `Map`, so both run the same merge code.
 */
export interface EntryStore {
  /** The live record, without counting an access. */
  peek(key: string): EntryRecord | undefined;
  /** `ttlMs` is relative to the store's clock; undefined means no expiry. */
  put(key: string, record: EntryRecord, ttlMs: number | undefined): PutResult;
  remove(key: string): void;
  /** How many live entries there are (expired ones not yet purged may count). */
  size(): number;
  /** Live entries, least valuable first, as a snapshot safe to mutate the store while iterating. */
  list(): [string, EntryRecord][];
  /** Live keys in the order of `list()`: a cheaper copy when the records are read later. */
  keys(): string[];
  /**
   * Live keys a step at a time (`batchSize` per step at most), without copying them all at once:
   * every key live during the whole walk comes at least once; keys written meanwhile may come
   * or not, some may come twice. The store may change between steps.
   */
  walkKeys(batchSize: number): Generator<string[]>;
  /**
   * Removes every entry stamped before `hlc` at once, without a pass over the entries, when the
   * store can tell which entries may be newer (it remembers its recent writes, see
   * `RecentWrites`): those are kept, everything else goes (a clear of millions of keys then takes
   * milliseconds). False, with nothing changed, when it cannot tell: the caller removes entry by
   * entry. The entries removed are reported to no hook (the clear is reported once, by its
   * caller); a kept entry whose TTL ran out meanwhile is reported as expired.
   */
  clearOlderThan(hlc: Hlc): boolean;
  /**
   * For a clear `clearOlderThan` could not decide: removes every entry stamped before `hlc`,
   * at once or in steps the store runs itself (`CacheEntryStore.sweepSteps`), and from this
   * call on no read returns one of them. Removals are reported with reason `delete`.
   */
  sweepOlderThan(hlc: Hlc): void;
}

/**
 * The entries of a store to keep through a clear stamped `hlc`: the candidates `recent` names
 * that are still live and newer. Null when `recent` cannot tell.
 */
export function keptThroughClear(store: Pick<EntryStore, 'peek'>, recent: RecentWrites, hlc: Hlc): [string, EntryRecord][] | null {
  const candidates = recent.newerThan(hlc);
  if (candidates === null) return null;
  const kept: [string, EntryRecord][] = [];
  for (const key of candidates) {
    const record = store.peek(key);
    if (record !== undefined && compareHlc(record.hlc, hlc) > 0) kept.push([key, record]);
  }
  return kept;
}

/** An `EntryStore` over a `Map`, for tests and reference models. */
export class MapEntryStore implements EntryStore {
  readonly map = new Map<string, EntryRecord>();
  private readonly recent: RecentWrites;

  /** `recentWrites`: how many writes `clearOlderThan` remembers (0: it always answers false). */
  constructor(recentWrites?: number) {
    this.recent = new RecentWrites(recentWrites);
  }

  peek(key: string): EntryRecord | undefined {
    return this.map.get(key);
  }

  put(key: string, record: EntryRecord): PutResult {
    const created = !this.map.has(key);
    this.map.set(key, record);
    this.recent.note(key, record.hlc);
    return { ok: true, created };
  }

  remove(key: string): void {
    this.map.delete(key);
  }

  size(): number {
    return this.map.size;
  }

  list(): [string, EntryRecord][] {
    return [...this.map];
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  *walkKeys(batchSize: number): Generator<string[]> {
    const keys = this.keys();
    for (let start = 0; start < keys.length; start += batchSize) yield keys.slice(start, start + batchSize);
  }

  /** At once: this store is the reference the stepped one is compared with. */
  sweepOlderThan(hlc: Hlc): void {
    for (const [key, record] of this.map) if (compareHlc(record.hlc, hlc) < 0) this.map.delete(key);
  }

  clearOlderThan(hlc: Hlc): boolean {
    const kept = keptThroughClear(this, this.recent, hlc);
    if (kept === null) return false;
    this.map.clear();
    this.recent.reset();
    for (const [key, record] of kept) this.put(key, record);
    return true;
  }
}
