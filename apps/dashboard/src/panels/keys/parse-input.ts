import type { JsonValue } from '@meshcache/api-contract';

/** Value typed into the form: JSON when it parses (`42`, `{"a":1}`, `"x"`), else the text itself. */
export function parseValueInput(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

export type BulkParse = { ok: true; items: unknown[] } | { ok: false; message: string };

/**
 * Bulk import accepts what people have at hand: the API's own `{"items": [...]}`, an array of
 * `{key, value, ttlMs?}`, or a plain object mapping keys to values. Items are checked one by
 * one by the server, which reports the bad ones.
 */
export function parseBulkInput(text: string): BulkParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
  if (Array.isArray(parsed)) return nonEmpty(parsed);
  if (typeof parsed === 'object' && parsed !== null) {
    const record = parsed as Record<string, unknown>;
    if (Array.isArray(record.items) && Object.keys(record).length === 1) return nonEmpty(record.items);
    return nonEmpty(Object.entries(record).map(([key, value]) => ({ key, value })));
  }
  return { ok: false, message: 'Expected an array of {key, value, ttlMs?} or an object of key → value.' };
}

function nonEmpty(items: unknown[]): BulkParse {
  return items.length ? { ok: true, items } : { ok: false, message: 'There is nothing to import.' };
}
