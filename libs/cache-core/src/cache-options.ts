import { CacheError } from './cache-error.js';
import { isStrategy, STRATEGIES, type Strategy } from './strategies.js';

/** Why an entry left the cache, as reported to `onEvict`. */
export type EvictionReason = 'evict' | 'expire' | 'delete' | 'set' | 'clear';

export type EvictHandler<K, V> = (key: K, value: V, reason: EvictionReason) => void;

export interface CacheOptions<K, V> {
  /** Maximum number of entries: an integer from 1 to 2^31 - 1. */
  capacity: number;
  /** Eviction policy, one of STRATEGIES; `'lru'` when omitted. */
  strategy?: Strategy;
  /** Default time to live of every entry, in ms of `now()`. Omit for no expiry. */
  ttlMs?: number;
  /** Upper bound on the sum of `sizeOf(value, key)` over all entries. Requires `sizeOf`. */
  maxBytes?: number;
  /** Size of one entry in the unit of `maxBytes`; must return a finite number >= 0. */
  sizeOf?: (value: V, key: K) => number;
  /** Called after an entry left the cache, once the operation that removed it is complete. */
  onEvict?: EvictHandler<K, V>;
  /**
   * Clock in ms; `Date.now` when omitted. Inject one to test expiry deterministically. Pass
   * methods bound (`() => performance.now()`), as for any callback.
   */
  now?: () => number;
}

export interface SetOptions {
  /** Time to live of this entry, overriding the cache's `ttlMs`. `Infinity` means never. */
  ttlMs?: number;
}

export interface ClearOptions {
  /**
   * false: entries leave without `onEvict` calls, so a clear costs no work per entry. For an
   * owner that accounts for the entries itself (a replicated clear reports one event, not one
   * per key). Default true.
   */
  report?: boolean;
}

export const MAX_CAPACITY = 0x7fffffff;

export function checkCapacity(capacity: unknown): number {
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    throw new CacheError(
      'INVALID_OPTION',
      `capacity must be an integer from 1 to ${MAX_CAPACITY}, got ${String(capacity)}`,
    );
  }
  return capacity;
}

export function checkStrategy(strategy: unknown): Strategy {
  if (!isStrategy(strategy)) {
    const names = STRATEGIES.map((s) => `'${s}'`).join(', ');
    throw new CacheError('INVALID_OPTION', `strategy must be one of ${names}, got ${String(strategy)}`);
  }
  return strategy;
}

/** Returns the TTL in ms, or 0 for "never expires". */
export function checkTtl(ttlMs: unknown, what: string): number {
  if (ttlMs === undefined || ttlMs === Infinity) return 0;
  if (typeof ttlMs !== 'number' || !(ttlMs > 0) || !Number.isFinite(ttlMs)) {
    throw new CacheError('INVALID_OPTION', `${what} must be a number > 0 or Infinity, got ${String(ttlMs)}`);
  }
  return ttlMs;
}

export interface CheckedOptions<K, V> {
  capacity: number;
  strategy: Strategy;
  ttlMs: number;
  maxBytes: number;
  sizeOf: ((value: V, key: K) => number) | undefined;
  onEvict: EvictHandler<K, V> | undefined;
  now: () => number;
}

export function checkOptions<K, V>(options: CacheOptions<K, V>): CheckedOptions<K, V> {
  if (typeof options !== 'object' || options === null) {
    throw new CacheError('INVALID_OPTION', 'options must be an object with at least { capacity }');
  }
  const capacity = checkCapacity(options.capacity);
  const strategy = checkStrategy(options.strategy ?? 'lru');
  const ttlMs = checkTtl(options.ttlMs, 'ttlMs');
  let maxBytes = Infinity;
  if (options.maxBytes !== undefined) {
    if (typeof options.maxBytes !== 'number' || !(options.maxBytes > 0)) {
      throw new CacheError('INVALID_OPTION', `maxBytes must be a number > 0, got ${String(options.maxBytes)}`);
    }
    if (typeof options.sizeOf !== 'function') {
      throw new CacheError('INVALID_OPTION', 'maxBytes needs a sizeOf(value, key) function');
    }
    maxBytes = options.maxBytes;
  }
  for (const name of ['sizeOf', 'onEvict', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new CacheError('INVALID_OPTION', `${name} must be a function`);
    }
  }
  return {
    capacity,
    strategy,
    ttlMs,
    maxBytes,
    sizeOf: options.sizeOf,
    onEvict: options.onEvict,
    now: options.now ?? Date.now,
  };
}
