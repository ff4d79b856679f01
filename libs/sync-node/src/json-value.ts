import { MAX_VALUE_DEPTH, nestsDeeperThan } from '@meshcache/sync-protocol';

export type JsonValueResult = { ok: true; value: unknown; bytes: number } | { ok: false; message: string };

const tooDeep: JsonValueResult = { ok: false, message: `value nests arrays and objects deeper than ${MAX_VALUE_DEPTH} levels` };

/**
 * The value exactly as peers will see it after JSON travel, with its serialized size. Storing
 * this form locally keeps every node identical (a nested `NaN` or `undefined` would otherwise
 * differ between the writer and its peers); values JSON cannot carry are refused up front
 * rather than stalling replication later.
 */
export function toJsonValue(value: unknown): JsonValueResult {
  switch (typeof value) {
    case 'string':
      return { ok: true, value, bytes: stringJsonBytes(value) };
    case 'boolean':
      return { ok: true, value, bytes: 5 };
    case 'number':
      return Number.isFinite(value) ? { ok: true, value, bytes: 8 } : { ok: false, message: `${value} is not a JSON number` };
    case 'object': {
      if (value === null) return { ok: true, value, bytes: 4 };
      let json: string | undefined;
      try {
        json = JSON.stringify(value);
      } catch (error) {
        // A RangeError is the stack (a value thousands of levels deep) or a string too long.
        if (error instanceof RangeError && nestsDeeperThan(value)) return tooDeep;
        return { ok: false, message: `value is not JSON-serializable: ${(error as Error).message}` };
      }
      if (json === undefined) return { ok: false, message: 'value is not JSON-serializable' };
      const parsed = JSON.parse(json) as unknown;
      // Deeper values would overflow the stack of later steps that walk them (MAX_VALUE_DEPTH).
      // Each level takes two characters of JSON, so a shorter value cannot: no walk on the write
      // path of ordinary values.
      if (json.length > 2 * MAX_VALUE_DEPTH && nestsDeeperThan(parsed)) return tooDeep;
      return { ok: true, value: parsed, bytes: json.length };
    }
    default:
      return { ok: false, message: `a ${typeof value} is not a JSON value` };
  }
}

/** The size `toJsonValue` counts for a string value (its UTF-16 units and the two quotes). */
export function stringJsonBytes(value: string): number {
  return value.length + 2;
}
