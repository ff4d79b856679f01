import { PeerInfoSchema, PeerStateSchema, SyncStatsSchema } from '@meshcache/sync-protocol';
import { z } from 'zod';
import { healthProblemSchema } from './health.js';
import { epochMsSchema, strategySchema } from './primitives.js';

const count = z.number().int().nonnegative();
const ratio = z.number().min(0).max(1);

/** Cache counters: the seed's hit rate / miss rate / size plus eviction detail. */
export const cacheMetricsSchema = z.object({
  strategy: strategySchema,
  size: count,
  capacity: count,
  hits: count,
  misses: count,
  /** hits / (hits + misses): the name the library (`stats().hitRatio`) and the docs use. */
  hitRatio: ratio,
  missRatio: ratio,
  /** The seed's name of `hitRatio` (same value), kept for its users. */
  hitRate: ratio.meta({ description: "Alias of hitRatio (the seed's name)" }),
  missRate: ratio.meta({ description: "Alias of missRatio (the seed's name)" }),
  sets: count,
  deletes: count,
  evictions: count,
  expirations: count,
});
export type CacheMetrics = z.infer<typeof cacheMetricsSchema>;

/** One member of the cluster as the answering node sees it (sync-protocol's PeerInfo, plus `self`). */
export const nodeInfoSchema = PeerInfoSchema.extend({
  strategy: strategySchema.nullable(),
  /** True for the node that answered. */
  self: z.boolean(),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;
export const nodeStateSchema = PeerStateSchema;
export type NodeState = z.infer<typeof nodeStateSchema>;

/** Replication state: the seed's `getSyncStats()` fields plus replication health (sync-protocol). */
export const syncStatsSchema = SyncStatsSchema;
export type SyncStats = z.infer<typeof syncStatsSchema>;

export const memoryUsageSchema = z.object({
  rss: count,
  heapTotal: count,
  heapUsed: count,
  external: count,
  arrayBuffers: count,
});

/** Upper bounds (ms) of the request-latency histogram: the buckets of `/metrics`' meshcache_http_request_duration_seconds. */
export const LATENCY_BUCKETS_MS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000] as const;

/**
 * Every HTTP request the node answered since it started, as a cumulative histogram: `counts[i]`
 * requests took at most LATENCY_BUCKETS_MS[i], the last entry counts all of them (+Inf). Two
 * samples' difference gives the percentiles of the interval between them.
 */
export const latencyHistogramSchema = z.object({
  counts: z.array(count).length(LATENCY_BUCKETS_MS.length + 1),
  sumMs: z.number().nonnegative(),
});
export type LatencyHistogram = z.infer<typeof latencyHistogramSchema>;

/** The data directory's state (DATA_DIR); null when the node keeps everything in memory only. */
export const persistenceStatusSchema = z.object({
  fsync: z.enum(['always', 'everysec', 'no']).meta({ description: 'APPEND_FSYNC: when the operation log is flushed to stable storage' }),
  disk: z.object({
    writable: z.boolean().meta({ description: 'false: the disk refused a write (full, I/O error) and the node is read-only' }),
    since: epochMsSchema,
    fault: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
  lastSnapshotAt: epochMsSchema.nullable(),
  opLogBytes: count,
  opLogRecords: count,
});
export type PersistenceStatus = z.infer<typeof persistenceStatusSchema>;

export const serverStatsSchema = z.object({
  nodeId: z.string(),
  uptime: z.number().nonnegative().meta({ description: 'Seconds since the process started' }),
  memory: memoryUsageSchema,
  timestamp: epochMsSchema,
  version: z.string(),
  /** What `/health` reports as problems right now (replication and server); empty when healthy. */
  problems: z.array(healthProblemSchema),
  /** Open TCP connections to the HTTP port (browsers, API clients, peers' links). Absent from older nodes. */
  connections: count.optional(),
  latency: latencyHistogramSchema.optional(),
  /** Absent from older nodes; null without DATA_DIR. */
  persistence: persistenceStatusSchema.nullable().optional(),
});
export type ServerStats = z.infer<typeof serverStatsSchema>;

export const metricsResponseSchema = z.object({
  cache: cacheMetricsSchema,
  sync: syncStatsSchema,
  server: serverStatsSchema,
});
export type MetricsResponse = z.infer<typeof metricsResponseSchema>;
