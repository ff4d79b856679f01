import { CacheError } from './cache-error.js';
import type { CacheDump, CacheDumpEntry } from './cache-types.js';

const fail = (index: number, why: string): never => {
  throw new CacheError('INVALID_DUMP', `dump entry ${index}: ${why}`);
};

/** Checks the shape of a dump received from outside (a file, the network). */
export function checkDump<K, V>(dump: unknown): CacheDump<K, V> {
  if (!Array.isArray(dump)) throw new CacheError('INVALID_DUMP', 'a dump must be an array of entries');
  dump.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) return fail(index, 'not an object');
    const e = entry as Partial<CacheDumpEntry<unknown, unknown>>;
    if (!('key' in e) || !('value' in e)) fail(index, 'needs key and value');
    if (typeof e.accessCount !== 'number' || !Number.isInteger(e.accessCount) || e.accessCount < 1) {
      fail(index, 'accessCount must be an integer >= 1');
    }
    if (e.ttlRemainingMs !== undefined && (typeof e.ttlRemainingMs !== 'number' || Number.isNaN(e.ttlRemainingMs))) {
      fail(index, 'ttlRemainingMs must be a number when present');
    }
    return undefined;
  });
  return dump as CacheDump<K, V>;
}
