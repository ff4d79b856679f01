import { Cache } from './cache.js';
import { CacheError } from './cache-error.js';
import { MAX_CAPACITY, type EvictionReason } from './cache-options.js';

// cache-core compiles without DOM or Node typings; these two globals exist in both (Node >= 16).
interface AbortSignalLike {
  readonly aborted: boolean;
}
interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(): void;
}
declare const AbortController: new () => AbortControllerLike;
declare const performance: { now(): number };

/** Why `dispose` was called, in lru-cache's words. */
export type DisposeReason = 'evict' | 'set' | 'delete' | 'expire';

export interface FetcherOptions {
  /** Aborted when the key is set, deleted or the cache cleared while the fetch runs. */
  signal: AbortSignalLike;
  /** The `context` passed to `fetch()`. */
  context: unknown;
}

export interface LRUCacheOptions<K, V> {
  /** Most entries; required unless `maxSize` is set. */
  max?: number;
  /** Default time to live in ms; 0 or absent: entries do not expire. */
  ttl?: number;
  /** Upper bound on the sum of entry sizes; needs `sizeCalculation` or a `size` on every set. */
  maxSize?: number;
  /** Size of an entry, a positive integer. */
  sizeCalculation?: (value: V, key: K) => number;
  /** Called when an entry leaves, after the operation that removed it. */
  dispose?: (value: V, key: K, reason: DisposeReason) => void;
  /** Loads a missing or stale key for `fetch()`; `undefined` means "nothing to store". */
  fetchMethod?: (key: K, staleValue: V | undefined, options: FetcherOptions) => V | undefined | Promise<V | undefined>;
  /** Return an expired value (once: it is removed) instead of `undefined`. */
  allowStale?: boolean;
  /** A read restarts the entry's time to live. */
  updateAgeOnGet?: boolean;
  /** The clock (lru-cache 11's option): `performance` when absent. */
  perf?: { now(): number };
}

export interface LRUCacheSetOptions<V, K> {
  ttl?: number;
  size?: number;
  sizeCalculation?: (value: V, key: K) => number;
}

export interface LRUCacheGetOptions {
  allowStale?: boolean;
  updateAgeOnGet?: boolean;
}

export interface LRUCacheFetchOptions extends LRUCacheGetOptions {
  context?: unknown;
}

const NONE: unique symbol = Symbol('none');

const positiveInt = (name: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new CacheError('INVALID_OPTION', `${name} must be a positive integer, got ${String(n)}`);
  }
  return n;
};

/**
 * The part of lru-cache 11's `LRUCache` that maps onto cache-core, under lru-cache's names:
 * `max`, `ttl`, `maxSize` + `sizeCalculation`, `dispose`, `fetchMethod`, `allowStale`,
 * `updateAgeOnGet`, `perf`. It is a cache-core `Cache` with the `'lru'` strategy underneath
 * (`.cache` gives it, for stats or `setStrategy`). Differences from lru-cache are listed in
 * the README's migration section.
 */
export class LRUCache<K, V> {
  readonly max: number;
  readonly maxSize: number;
  readonly ttl: number;
  readonly allowStale: boolean;
  readonly updateAgeOnGet: boolean;
  /** The cache-core cache this wraps. */
  readonly cache: Cache<K, V>;
  private readonly sizeCalculation: ((value: V, key: K) => number) | undefined;
  private readonly dispose: LRUCacheOptions<K, V>['dispose'];
  private readonly fetchMethod: LRUCacheOptions<K, V>['fetchMethod'];
  /** Time to live of entries set with their own `ttl`, for `updateAgeOnGet` and `getRemainingTTL`. */
  private readonly ttls = new Map<K, number>();
  private readonly fetches = new Map<K, { promise: Promise<V | undefined>; controller: AbortControllerLike }>();
  /** While a read runs: the key it reads and, if that entry turned out expired, its value. */
  private watched: K | typeof NONE = NONE;
  private staleValue: V | typeof NONE = NONE;
  /** Set while a refused set() removes the old entry: lru-cache reports that as 'set'. */
  private removingForSet = false;
  private nextSize = 0;
  private readonly clock: { now(): number };

  constructor(options: LRUCacheOptions<K, V>) {
    if (typeof options !== 'object' || options === null) {
      throw new CacheError('INVALID_OPTION', 'options must be an object with max or maxSize');
    }
    const { max, ttl = 0, maxSize, sizeCalculation, dispose, fetchMethod, perf } = options;
    if (max === undefined && maxSize === undefined) throw new CacheError('INVALID_OPTION', 'at least one of max or maxSize is required');
    this.max = max === undefined ? 0 : positiveInt('max', max);
    this.maxSize = maxSize === undefined ? 0 : positiveInt('maxSize', maxSize);
    if (typeof ttl !== 'number' || !(ttl >= 0) || !Number.isFinite(ttl)) {
      throw new CacheError('INVALID_OPTION', `ttl must be a number of ms >= 0, got ${String(ttl)}`);
    }
    if (sizeCalculation !== undefined && this.maxSize === 0) {
      throw new CacheError('INVALID_OPTION', 'sizeCalculation needs maxSize');
    }
    for (const [name, f] of [['sizeCalculation', sizeCalculation], ['dispose', dispose], ['fetchMethod', fetchMethod]] as const) {
      if (f !== undefined && typeof f !== 'function') throw new CacheError('INVALID_OPTION', `${name} must be a function`);
    }
    this.ttl = ttl;
    this.allowStale = options.allowStale === true;
    this.updateAgeOnGet = options.updateAgeOnGet === true;
    this.sizeCalculation = sizeCalculation;
    this.dispose = dispose;
    this.fetchMethod = fetchMethod;
    const clock = perf ?? performance;
    this.clock = clock;
    this.cache = new Cache<K, V>({
      capacity: this.max === 0 ? MAX_CAPACITY : this.max,
      strategy: 'lru',
      ...(ttl > 0 ? { ttlMs: ttl } : {}),
      ...(this.maxSize > 0 ? { maxBytes: this.maxSize, sizeOf: () => this.nextSize } : {}),
      onEvict: (key, value, reason) => this.onRemoved(key, value, reason),
      now: () => clock.now(),
    });
  }

  get size(): number {
    return this.cache.size;
  }

  /** Sum of the entries' sizes (0 without maxSize). */
  get calculatedSize(): number {
    return this.cache.bytes;
  }

  get(key: K, options: LRUCacheGetOptions = {}): V | undefined {
    const value = this.read(key, () => this.cache.get(key));
    if (value !== NONE) {
      if (options.updateAgeOnGet ?? this.updateAgeOnGet) this.restartTtl(key, value);
      return value;
    }
    return this.staleOrUndefined(options.allowStale);
  }

  /** The value without updating recency; `allowStale` returns an expired one. */
  peek(key: K, options: Pick<LRUCacheGetOptions, 'allowStale'> = {}): V | undefined {
    const value = this.read(key, () => this.cache.peek(key));
    return value !== NONE ? value : this.staleOrUndefined(options.allowStale);
  }

  has(key: K): boolean {
    return this.cache.has(key);
  }

  /** Stores `value`; `undefined` deletes the key, as in lru-cache. */
  set(key: K, value: V | undefined, options: LRUCacheSetOptions<V, K> = {}): this {
    if (value === undefined) {
      this.delete(key);
      return this;
    }
    this.abortFetch(key);
    if (this.maxSize > 0) this.nextSize = this.sizeFor(key, value, options);
    const ttl = options.ttl;
    if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl >= 0))) {
      throw new CacheError('INVALID_OPTION', `ttl must be a number of ms >= 0, got ${String(ttl)}`);
    }
    const result = this.cache.set(key, value, ttl === undefined ? undefined : { ttlMs: ttl === 0 ? Infinity : ttl });
    if (!result.ok) {
      // lru-cache drops what was there: the entry is "replaced" by nothing.
      this.removingForSet = true;
      try {
        this.cache.delete(key);
      } finally {
        this.removingForSet = false;
      }
      return this;
    }
    if (ttl === undefined || ttl === this.ttl) this.ttls.delete(key);
    else this.ttls.set(key, ttl);
    return this;
  }

  /** True when a live entry was removed (an expired one counts as already gone). */
  delete(key: K): boolean {
    this.abortFetch(key);
    return this.cache.delete(key);
  }

  clear(): void {
    for (const key of [...this.fetches.keys()]) this.abortFetch(key);
    this.cache.clear();
  }

  /**
   * The value, or `fetchMethod`'s, which is then stored (`undefined`: nothing stored).
   * Concurrent fetches of one key share one call. With `allowStale`, an expired value is
   * returned at once while the fetch refreshes it. Without `fetchMethod`, like `get`.
   */
  fetch(key: K, options: LRUCacheFetchOptions = {}): Promise<V | undefined> {
    const fetchMethod = this.fetchMethod;
    if (fetchMethod === undefined) return Promise.resolve(this.get(key, options));
    const value = this.read(key, () => this.cache.get(key));
    if (value !== NONE) {
      if (options.updateAgeOnGet ?? this.updateAgeOnGet) this.restartTtl(key, value);
      return Promise.resolve(value);
    }
    const stale = this.staleValue === NONE ? undefined : this.staleValue;
    this.staleValue = NONE;
    const serveStale = (options.allowStale ?? this.allowStale) && stale !== undefined;
    const running = this.fetches.get(key);
    if (running !== undefined) return serveStale ? Promise.resolve(stale) : running.promise;
    const controller = new AbortController();
    const record: { controller: AbortControllerLike; promise: Promise<V | undefined> } = { controller, promise: Promise.resolve(undefined) };
    record.promise = (async (): Promise<V | undefined> => {
      try {
        const loaded = await fetchMethod(key, stale, { signal: controller.signal, context: options.context });
        if (this.fetches.get(key) === record && !controller.signal.aborted) {
          this.fetches.delete(key);
          if (loaded === undefined) this.cache.delete(key);
          else this.set(key, loaded);
        }
        return loaded;
      } finally {
        if (this.fetches.get(key) === record) this.fetches.delete(key);
      }
    })();
    this.fetches.set(key, record);
    return serveStale ? Promise.resolve(stale) : record.promise;
  }

  /** ms until the entry expires; Infinity without a TTL; 0 when absent. */
  getRemainingTTL(key: K): number {
    const entry = this.cache.peekEntry(key);
    if (entry === undefined) return 0;
    return entry.expiresAt === undefined ? Infinity : entry.expiresAt - this.clock.now();
  }

  /** Keys, most recently used first. */
  keys(): IterableIterator<K> {
    return this.cache.keys();
  }

  values(): IterableIterator<V> {
    return this.cache.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.cache.entries();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.cache.entries();
  }

  forEach(visit: (value: V, key: K, cache: this) => void): void {
    for (const [key, value] of this.cache.entries()) visit(value, key, this);
  }

  /** Runs a read of `key`, remembering the value of the entry if the read finds it expired. */
  private read(key: K, run: () => V | undefined): V | typeof NONE {
    this.watched = key;
    this.staleValue = NONE;
    try {
      const value = run();
      return value === undefined ? NONE : value;
    } finally {
      this.watched = NONE;
    }
  }

  private staleOrUndefined(allowStale: boolean | undefined): V | undefined {
    const stale = this.staleValue;
    this.staleValue = NONE;
    return stale !== NONE && (allowStale ?? this.allowStale) ? stale : undefined;
  }

  private restartTtl(key: K, value: V): void {
    const ttl = this.ttls.get(key) ?? this.ttl;
    if (ttl === 0) return;
    if (this.maxSize > 0) this.nextSize = this.sizeFor(key, value, {});
    this.cache.set(key, value, { ttlMs: ttl });
  }

  private sizeFor(key: K, value: V, options: LRUCacheSetOptions<V, K>): number {
    const calculate = options.sizeCalculation ?? this.sizeCalculation;
    const size = options.size ?? (calculate === undefined ? undefined : calculate(value, key));
    if (size === undefined) throw new CacheError('INVALID_OPTION', 'with maxSize, set() needs a size or a sizeCalculation');
    return positiveInt('size', size);
  }

  private onRemoved(key: K, value: V, reason: EvictionReason): void {
    if (reason !== 'set') this.ttls.delete(key);
    if (reason === 'expire' && this.watched === key) this.staleValue = value;
    const dispose = this.dispose;
    if (dispose === undefined) return;
    const mapped: DisposeReason = reason === 'clear' ? 'delete' : reason === 'delete' && this.removingForSet ? 'set' : reason;
    dispose(value, key, mapped);
  }

  private abortFetch(key: K): void {
    const running = this.fetches.get(key);
    if (running === undefined) return;
    this.fetches.delete(key);
    running.controller.abort();
  }
}
