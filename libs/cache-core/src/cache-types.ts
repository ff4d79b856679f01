/** Counters since the cache was created; `clear()` empties the cache but keeps them. */
export interface CacheStats {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  evictions: number;
  expirations: number;
  /** hits / (hits + misses), 0 before the first read. */
  hitRatio: number;
  size: number;
  capacity: number;
}

/** What `peekEntry` reports about one entry, without counting as an access. */
export interface CacheEntryInfo<V> {
  value: V;
  /** Absolute expiry in ms of the cache's clock, or undefined when the entry never expires. */
  expiresAt: number | undefined;
  /** 1 for the set that stored it, plus one for every read hit and overwriting set since. */
  accessCount: number;
}

/** Why `set()` refused an entry; the cache is left unchanged. */
export interface SetRefusal {
  readonly ok: false;
  /** `TOO_LARGE`: sizeOf exceeds maxBytes. `INVALID_SIZE`: sizeOf returned no finite number >= 0. */
  readonly code: 'TOO_LARGE' | 'INVALID_SIZE';
  readonly message: string;
  readonly size: number;
  readonly maxBytes: number;
}

/** `created`: the key was not live before (an insertion, not an overwrite), so key indexes know whether to add it. */
export type SetResult = { readonly ok: true; readonly created: boolean } | SetRefusal;

/** One entry of a dump: plain data, JSON-serialisable when keys and values are. */
export interface CacheDumpEntry<K, V> {
  key: K;
  value: V;
  /** Same meaning as in {@link CacheEntryInfo}. */
  accessCount: number;
  /** Time left to live in ms, absent when the entry never expires. */
  ttlRemainingMs?: number;
}

/** Entries most valuable first (the order of `entries()`), so a load reproduces the order. */
export type CacheDump<K, V> = CacheDumpEntry<K, V>[];
