import type { Op } from '@meshcache/sync-protocol';
import { stringJsonBytes, toJsonValue } from './json-value.js';
import type { ReplicaCacheOptions } from './node-options.js';
import type { WriteResult } from './node-types.js';

type Refusal = Extract<WriteResult, { ok: false }>;

/** A `set` ready to become an operation, with its approximate size for the backlog. */
export type SetRequest = { ok: true; op: Op; approxBytes: number } | Refusal;

/**
 * Checks a `set` before anything is applied or replicated: a write peers could not store the
 * same way (not JSON, bad TTL, over the byte budget) is refused here, on the writer, with a
 * reason the caller can act on.
 */
export function prepareSet(key: string, value: unknown, ttlOption: number | undefined, cache: ReplicaCacheOptions): SetRequest {
  if (typeof key !== 'string') return { ok: false, code: 'INVALID_KEY', message: 'key must be a string' };
  // A string (every RESP value) is its own JSON form: no result object to unpack on every write.
  let jsonValue = value;
  let bytes: number;
  if (typeof value === 'string') bytes = stringJsonBytes(value);
  else {
    const json = toJsonValue(value);
    if (!json.ok) return { ok: false, code: 'INVALID_VALUE', message: json.message };
    jsonValue = json.value;
    bytes = json.bytes;
  }
  const ttlMs = ttlOption ?? cache.ttlMs;
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
    return { ok: false, code: 'INVALID_TTL', message: `ttlMs must be a positive integer of milliseconds, got ${String(ttlMs)}` };
  }
  const refusal = checkSize(key, jsonValue, cache);
  if (refusal !== null) return refusal;
  const op: Op = ttlMs === undefined ? { type: 'set', key, value: jsonValue } : { type: 'set', key, value: jsonValue, ttlMs };
  return { ok: true, op, approxBytes: bytes + key.length };
}

function checkSize(key: string, value: unknown, cache: ReplicaCacheOptions): Refusal | null {
  const { maxBytes, sizeOf } = cache;
  if (maxBytes === undefined || sizeOf === undefined) return null;
  const size = sizeOf(value, key);
  if (typeof size !== 'number' || !(size >= 0) || size === Infinity) {
    return { ok: false, code: 'INVALID_SIZE', message: `sizeOf returned ${String(size)} for key ${JSON.stringify(key)}` };
  }
  if (size > maxBytes) return { ok: false, code: 'TOO_LARGE', message: `entry of ${size} exceeds maxBytes ${maxBytes}` };
  return null;
}
