import { z } from 'zod';
import { keyEntrySchema, MAX_PAGE_LIMIT } from './cache.js';
import { cacheMetricsSchema, nodeInfoSchema, serverStatsSchema, syncStatsSchema } from './metrics.js';
import { cacheKeySchema, epochMsSchema, strategySchema } from './primitives.js';

/** Socket.io event names on the default namespace `/` (the dashboard's). */
export const SOCKET_EVENTS = {
  /** server → client: a bounded page of items + metrics + strategy, on connect and on request. */
  cacheState: 'cache-state',
  /** client → server: ask for `cache-state` again, optionally another page. */
  getCacheState: 'get-cache-state',
  /** server → client: throttled metrics (at most once per `METRICS_INTERVAL_MS`). */
  metricsUpdate: 'metrics-update',
  /** server → client: cluster membership changed. */
  nodeListUpdate: 'node-list-update',
  /** server → client: keys changed since the last delta, batched. */
  cacheDelta: 'cache-delta',
  /** client → server: the keys the tab shows, so deltas carry only changes of those keys. */
  setView: 'set-view',
} as const;

/**
 * The key-browser page a tab shows: `prefix`, the page's `cursor` (absent on the first page) and
 * its last key when more pages follow (`null` when the page runs to the end of the listing).
 * `get-cache-state` sets the same view from the page it answers.
 */
export const setViewRequestSchema = z.object({
  prefix: z.string().max(1024).default(''),
  cursor: z.string().max(2048).nullable().default(null),
  lastKey: cacheKeySchema.nullable().default(null),
});
export type SetViewRequest = z.infer<typeof setViewRequestSchema>;

export const getCacheStateRequestSchema = z
  .object({
    prefix: z.string().max(1024).optional(),
    cursor: z.string().max(2048).optional(),
    limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
  })
  .optional();
export type GetCacheStateRequest = z.infer<typeof getCacheStateRequestSchema>;

export const cacheStateEventSchema = z.object({
  nodeId: z.string(),
  strategy: strategySchema,
  syncEnabled: z.boolean(),
  items: z.array(keyEntrySchema),
  nextCursor: z.string().nullable(),
  /** Keys under the requested prefix (all keys without one), as in `GET /api/cache`. */
  totalKeys: z.number().int().nonnegative(),
  metrics: cacheMetricsSchema,
});
export type CacheStateEvent = z.infer<typeof cacheStateEventSchema>;

/** The seed's cache metrics at the top level, with sync and server stats beside them. */
export const metricsUpdateEventSchema = cacheMetricsSchema.extend({
  nodeId: z.string(),
  timestamp: epochMsSchema,
  sync: syncStatsSchema,
  server: serverStatsSchema,
});
export type MetricsUpdateEvent = z.infer<typeof metricsUpdateEventSchema>;

export const nodeListUpdateEventSchema = z.object({
  nodes: z.array(nodeInfoSchema),
  totalNodes: z.number().int().nonnegative(),
  currentNode: z.string(),
});
export type NodeListUpdateEvent = z.infer<typeof nodeListUpdateEventSchema>;

export const cacheChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('set'), key: cacheKeySchema, entry: keyEntrySchema, source: z.enum(['local', 'remote']) }),
  z.object({ kind: z.literal('delete'), key: cacheKeySchema, source: z.enum(['local', 'remote']) }),
  z.object({ kind: z.literal('clear'), source: z.enum(['local', 'remote']) }),
  z.object({ kind: z.literal('strategy'), strategy: strategySchema, source: z.enum(['local', 'remote']) }),
]);
export type CacheChange = z.infer<typeof cacheChangeSchema>;

/**
 * Changes since the previous delta of the keys in the tab's view (`set-view`), last change per
 * key, and how many changes elsewhere were left out. When more keys of the view changed than one
 * delta carries, `truncated` is true and the client should ask for its page again.
 */
export const cacheDeltaEventSchema = z.object({
  nodeId: z.string(),
  changes: z.array(cacheChangeSchema),
  truncated: z.boolean(),
  elsewhere: z.number().int().nonnegative(),
  /** Keys under the prefix of the tab's view (all keys without one). */
  totalKeys: z.number().int().nonnegative(),
  timestamp: epochMsSchema,
});
export type CacheDeltaEvent = z.infer<typeof cacheDeltaEventSchema>;

/** Client → server handshake payload (`io(url, { auth })`) when the server requires a token. */
export const socketAuthSchema = z.object({ token: z.string().optional() });
export type SocketAuth = z.infer<typeof socketAuthSchema>;
