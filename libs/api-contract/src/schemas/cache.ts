import { z } from 'zod';
import {
  cacheKeySchema,
  cacheValueSchema,
  epochMsSchema,
  isoTimeSchema,
  queryIntSchema,
  strategyInputSchema,
  strategySchema,
  ttlMsSchema,
  ttlSecondsSchema,
} from './primitives.js';

export const keyParamsSchema = z.object({ key: cacheKeySchema });

/** See `versionOf`: the stamp of the write that produced an entry; also its ETag. */
export const entryVersionSchema = z.string().min(1).meta({ description: 'Version of the entry: the HLC of its write, `<wall>.<logical>.<origin>`; also the ETag' });

/** What both an item and a key-browser row say about the entry beside its value. */
const entryStateShape = {
  accessCount: z.number().int().nonnegative(),
  updatedAt: epochMsSchema,
  expiresAt: epochMsSchema.nullable(),
};

/** The stored item as the seed's `GET /api/cache/:key` returns it, plus expiry. */
export const cacheItemSchema = z.object({
  value: cacheValueSchema,
  timestamp: isoTimeSchema.meta({ description: 'When the value was last written' }),
  ...entryStateShape,
  version: entryVersionSchema,
});
export type CacheItem = z.infer<typeof cacheItemSchema>;

export const getItemResponseSchema = z.object({
  success: z.literal(true),
  key: cacheKeySchema,
  value: cacheItemSchema,
});
export type GetItemResponse = z.infer<typeof getItemResponseSchema>;

/**
 * Strict: a field the server does not know (a typo such as `tll`) is a 400 naming it, not a
 * silently ignored option. `ttl` is the seed's form (seconds), `ttlMs` the precise one.
 */
export const setItemBodySchema = z
  .strictObject({
    key: cacheKeySchema,
    value: cacheValueSchema,
    ttlMs: ttlMsSchema.optional(),
    ttl: ttlSecondsSchema.optional(),
  })
  .refine((b) => b.ttl === undefined || b.ttlMs === undefined, { message: 'give ttl (seconds) or ttlMs (milliseconds), not both', path: ['ttl'] });
export type SetItemBody = z.infer<typeof setItemBodySchema>;

/** An item's time to live in milliseconds, from whichever of `ttl` / `ttlMs` it has. */
export const ttlMsOf = (item: Pick<SetItemBody, 'ttl' | 'ttlMs'>): number | undefined =>
  item.ttl === undefined ? item.ttlMs : Math.max(1, Math.round(item.ttl * 1000));

/** Longest a write may wait for its durability (`timeoutMs`). */
export const MAX_WRITE_CONCERN_TIMEOUT_MS = 60_000;
export const DEFAULT_WRITE_CONCERN_TIMEOUT_MS = 5_000;

/**
 * What a write may ask for beyond the server's default (see docs/CONSISTENCY.md): to be answered
 * only once the operation log is fsynced (`durability=fsync`) and/or `acks` peers have applied
 * it, waiting at most `timeoutMs`. Like Redis WAIT: the write is applied either way.
 */
export const writeConcernQuerySchema = z.object({
  durability: z.enum(['fsync']).optional().meta({ description: 'fsync: answer once the operation log holds the write on stable storage (needs DATA_DIR)' }),
  acks: queryIntSchema('acks', 0, 1000).optional().meta({ description: 'Answer once this many peers have applied the write' }),
  timeoutMs: queryIntSchema('timeoutMs', 1, MAX_WRITE_CONCERN_TIMEOUT_MS)
    .optional()
    .meta({ description: `Longest wait for durability and acks (default ${DEFAULT_WRITE_CONCERN_TIMEOUT_MS})` }),
});
export type WriteConcernQuery = z.infer<typeof writeConcernQuerySchema>;

/**
 * The header form of the write concern, for clients that cannot add a query string: the same
 * fields in query syntax, e.g. `Meshcache-Write-Concern: durability=fsync&acks=1&timeoutMs=500`.
 * A field given in both wins from the query.
 */
export const WRITE_CONCERN_HEADER = 'meshcache-write-concern';

/** The write concern of a request: the header's fields, overridden by the query's. */
export const writeConcernOf = (
  query: WriteConcernQuery,
  header: string | undefined,
): { ok: true; concern: WriteConcernQuery } | { ok: false; error: z.ZodError } => {
  if (header === undefined || header.trim() === '') return { ok: true, concern: query };
  // `a=1&b=2` (also `;` or `,` between fields, spaces around them): values are plain words.
  const fields = header
    .split(/[&;,]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? [part, ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    });
  const parsed = writeConcernQuerySchema.strict().safeParse(Object.fromEntries(fields));
  if (!parsed.success) return { ok: false, error: parsed.error };
  const fromQuery = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  return { ok: true, concern: { ...parsed.data, ...fromQuery } };
};

/** What a write that asked for more durability reached: `met` false answers 202 instead of 200. */
export const writeConcernResultSchema = z.object({
  met: z.boolean(),
  /** The operation log holds the write on stable storage. */
  fsynced: z.boolean(),
  /** Peers that applied the write within `timeoutMs`. */
  acks: z.number().int().nonnegative(),
});
export type WriteConcernResult = z.infer<typeof writeConcernResultSchema>;

export const setItemResponseSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  key: cacheKeySchema,
  /** The version this write created (the ETag a later read answers while it stands). */
  version: entryVersionSchema,
  /** Present when the write asked for `durability` or `acks`. */
  durability: writeConcernResultSchema.optional(),
});
export type SetItemResponse = z.infer<typeof setItemResponseSchema>;

export const deleteItemResponseSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  key: cacheKeySchema,
  /** Present when the delete asked for `durability` or `acks`. */
  durability: writeConcernResultSchema.optional(),
});
export type DeleteItemResponse = z.infer<typeof deleteItemResponseSchema>;

export const clearResponseSchema = z.object({ success: z.literal(true), message: z.string() });
export type ClearResponse = z.infer<typeof clearResponseSchema>;

/** Most items one bulk request may carry. */
export const MAX_BULK_ITEMS = 10_000;
export const bulkItemSchema = setItemBodySchema;
export type BulkItem = z.infer<typeof bulkItemSchema>;

/**
 * Items are checked one by one (see {@link bulkItemSchema}): valid items are applied and bad ones
 * reported in `failed`, so the envelope only requires an array.
 */
export const bulkSetBodySchema = z.strictObject({
  items: z
    .array(z.unknown())
    .max(MAX_BULK_ITEMS, `items may hold at most ${MAX_BULK_ITEMS} entries`)
    .meta({ description: 'Array of {key, value, ttl? | ttlMs?}; each is validated on its own' }),
});
export type BulkSetBody = z.infer<typeof bulkSetBodySchema>;

export const bulkFailureSchema = z.object({
  index: z.number().int().nonnegative(),
  key: z.string().optional(),
  message: z.string(),
});
export type BulkFailure = z.infer<typeof bulkFailureSchema>;

export const bulkSetResponseSchema = z.object({
  success: z.literal(true),
  successCount: z.number().int().nonnegative(),
  totalCount: z.number().int().nonnegative(),
  failed: z.array(bulkFailureSchema),
  /** Present when the request asked for `durability` or `acks` and some item was written: covers every written item. */
  durability: writeConcernResultSchema.optional(),
});
export type BulkSetResponse = z.infer<typeof bulkSetResponseSchema>;

export const MAX_PAGE_LIMIT = 1000;
/** Most keys one pattern search or delete-by-pattern request looks at (a bound per request on a large cache). */
export const MAX_PATTERN_SCAN = 200_000;
/** Most keys one delete-by-pattern request deletes; the answer says whether matches remain. */
export const MAX_PATTERN_DELETES = 10_000;

export const keyPatternSchema = z.string().min(1, 'pattern must not be empty').max(1024, 'pattern must be at most 1024 characters');
export const DEFAULT_PAGE_LIMIT = 50;

/** Query strings carry text; numbers are coerced and then range-checked. */
export const listKeysQuerySchema = z.object({
  prefix: z.string().max(1024, 'prefix must be at most 1024 characters').optional(),
  pattern: keyPatternSchema.optional().meta({ description: 'Glob (`*`, `?`, `[a-z]`, `\\` escapes, as Redis KEYS): only matching keys; with `prefix`, keys must have both' }),
  cursor: z.string().max(2048, 'cursor is too long').optional(),
  limit: queryIntSchema('limit', 1, MAX_PAGE_LIMIT).optional(),
});
export type ListKeysQuery = z.infer<typeof listKeysQuerySchema>;

/** Longest value preview in listings, in characters of its JSON text. */
export const PREVIEW_LENGTH = 120;

/** One row of the key browser: a preview, not the whole value. */
export const keyEntrySchema = z.object({
  key: cacheKeySchema,
  preview: z.string().meta({ description: `JSON text of the value, cut at ${PREVIEW_LENGTH} characters` }),
  bytes: z.number().int().nonnegative().meta({ description: 'What the entry counts against CACHE_MAX_BYTES: UTF-8 bytes of its key plus of the JSON text of its value' }),
  ...entryStateShape,
});
export type KeyEntry = z.infer<typeof keyEntrySchema>;

export const listKeysResponseSchema = z.object({
  success: z.literal(true),
  items: z.array(keyEntrySchema),
  /** Pass back as `cursor` for the next page; `null` when the listing is complete. */
  nextCursor: z.string().nullable(),
  /** Keys that match `prefix` and `pattern` (every key without them), on every page. */
  totalKeys: z.number().int().nonnegative(),
  /**
   * With `pattern`: true when the node stopped counting after MAX_PATTERN_SCAN keys, so
   * `totalKeys` is a lower bound (and a page may hold fewer than `limit` items yet go on).
   */
  totalIsLowerBound: z.boolean().optional(),
});
export type ListKeysResponse = z.infer<typeof listKeysResponseSchema>;

export const setStrategyBodySchema = z.strictObject({ strategy: strategyInputSchema });
export type SetStrategyBody = z.input<typeof setStrategyBodySchema>;

export const setStrategyResponseSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  strategy: strategySchema,
});
export type SetStrategyResponse = z.infer<typeof setStrategyResponseSchema>;

/** Delete every key matching a glob, up to `limit` (MAX_PATTERN_DELETES); each delete replicates like DELETE /api/cache/:key. */
export const deleteMatchingBodySchema = z.strictObject({
  pattern: keyPatternSchema,
  limit: z.number().int().min(1).max(MAX_PATTERN_DELETES).optional().meta({ description: `Most keys to delete (default and at most ${MAX_PATTERN_DELETES})` }),
});
export type DeleteMatchingBody = z.infer<typeof deleteMatchingBodySchema>;

export const deleteMatchingResponseSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  pattern: keyPatternSchema,
  deleted: z.number().int().nonnegative(),
  /** True when matching keys may remain: `limit` or the scan bound stopped the request; call again. */
  more: z.boolean(),
});
export type DeleteMatchingResponse = z.infer<typeof deleteMatchingResponseSchema>;
