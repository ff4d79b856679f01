import { STRATEGIES } from '@meshcache/sync-protocol';
import { z } from 'zod';

/** Longest key the server accepts, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 1024;
/** A UTF-16 surrogate without its pair (a regex rather than `isWellFormed`, for older browsers). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Longest TTL accepted: ten years. */
export const MAX_TTL_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/**
 * Any string is a key, including `''`, `__proto__` and `constructor`: servers keep keys in Maps,
 * never in plain objects.
 */
export const cacheKeySchema = z
  .string()
  // Counted in UTF-16 units (`.length`) as the fast path and the Redis protocol count them: zod's
  // `max` counts code points, so 513 emoji passed here and were refused over RESP.
  .refine((key) => key.length <= MAX_KEY_LENGTH, `key must be at most ${MAX_KEY_LENGTH} characters (UTF-16 code units)`)
  // A lone surrogate (`"\ud800"` in JSON) has no UTF-8 form: such a key could be listed but never
  // read or deleted over the Redis protocol, nor addressed in a URL.
  .refine((key) => !LONE_SURROGATE.test(key), 'key must be well-formed Unicode text (it holds a lone surrogate)')
  .meta({ description: 'Cache key: any string up to 1024 UTF-16 code units' });
export type CacheKey = z.infer<typeof cacheKeySchema>;

export type JsonValue = z.infer<ReturnType<typeof z.json>>;

/**
 * A cached value: any JSON value. Bodies arrive through JSON.parse, so a structural walk would
 * only cost time on large values; the schema checks presence.
 */
export const cacheValueSchema = z
  .custom<JsonValue>((v) => v !== undefined, { message: 'value is required (any JSON value)' })
  .meta({ description: 'Any JSON value' });

export const ttlMsSchema = z
  .int('ttlMs must be an integer number of milliseconds')
  .positive('ttlMs must be positive')
  .max(MAX_TTL_MS, 'ttlMs must be at most ten years')
  .meta({ description: 'Time to live in milliseconds' });

export const ttlSecondsSchema = z
  .number('ttl must be a number of seconds')
  .positive('ttl must be positive')
  .max(MAX_TTL_MS / 1000, 'ttl must be at most ten years')
  .meta({ description: "Time to live in seconds (the seed's form); give this or ttlMs" });

type EngineStrategies = typeof STRATEGIES;
type Upper<T extends readonly string[]> = { readonly [I in keyof T]: Uppercase<T[I]> };

/**
 * Strategy names as the REST API and dashboard show them: the engine's names (cache-core's
 * table) in upper case, the seed's `LRU` / `LFU` among them.
 */
export const STRATEGY_LABELS = STRATEGIES.map((s) => s.toUpperCase()) as unknown as Upper<EngineStrategies>;
export const strategySchema = z.enum(STRATEGY_LABELS);
export type Strategy = z.infer<typeof strategySchema>;

const strategyList = STRATEGY_LABELS.map((s) => `'${s}'`).join(', ');

/** Accepts either case on input (`lru`, `LFU`, `TinyLfu`), normalizes to upper case. */
export const strategyInputSchema = z
  .string({ message: `strategy must be one of ${strategyList}` })
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(STRATEGY_LABELS, { message: `strategy must be one of ${strategyList}` }));

export const isoTimeSchema = z.string().meta({ description: 'ISO 8601 timestamp' });
export const epochMsSchema = z.number().meta({ description: 'Milliseconds since the Unix epoch' });

/**
 * A whole number read from a query string (or given as a number by the typed client). Decimal
 * digits only: `z.coerce.number()` (`Number()`) also read `0x10` as 16, `1e3` as 1000 and ` 5 `
 * as 5, which no client means to send; those are refused, naming the parameter.
 */
export const queryIntSchema = (name: string, min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^[0-9]+$/, `${name} must be a whole number in decimal digits`)], `${name} must be a number`)
    .pipe(z.coerce.number<number | string>().int(`${name} must be an integer`).min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));
