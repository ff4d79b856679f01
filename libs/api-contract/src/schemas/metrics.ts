import { z } from 'zod';
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
  hitRate: ratio,
  missRate: ratio,
  sets: count,
  deletes: count,
  evictions: count,
  expirations: count,
});
export type CacheMetrics = z.infer<typeof cacheMetricsSchema>;

export const nodeStateSchema = z.enum(['up', 'suspect', 'down']);
export type NodeState = z.infer<typeof nodeStateSchema>;

/** One member of the cluster as seen from the answering node. */
export const nodeInfoSchema = z.object({
  nodeId: z.string(),
  url: z.string().nullable(),
  state: nodeStateSchema,
  self: z.boolean(),
  strategy: strategySchema.nullable(),
  size: count.nullable(),
  capacity: count.nullable(),
  /** Operations this node has not yet applied from that peer (0 when caught up, null if unknown). */
  lag: count.nullable(),
  lastSeen: epochMsSchema.nullable(),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;

/** The seed's `getSyncStats()` shape plus replication counters. */
export const syncStatsSchema = z.object({
  nodeId: z.string(),
  connectedNodes: count,
  syncEnabled: z.boolean(),
  totalSyncOperations: count,
  lastSyncTime: epochMsSchema.nullable(),
  nodeList: z.array(nodeInfoSchema),
  opsSent: count,
  opsReceived: count,
  fullSyncs: count,
  partialSyncs: count,
  droppedMessages: count,
});
export type SyncStats = z.infer<typeof syncStatsSchema>;

export const memoryUsageSchema = z.object({
  rss: count,
  heapTotal: count,
  heapUsed: count,
  external: count,
  arrayBuffers: count,
});

export const serverStatsSchema = z.object({
  nodeId: z.string(),
  uptime: z.number().nonnegative().meta({ description: 'Seconds since the process started' }),
  memory: memoryUsageSchema,
  timestamp: epochMsSchema,
  version: z.string(),
});
export type ServerStats = z.infer<typeof serverStatsSchema>;

export const metricsResponseSchema = z.object({
  cache: cacheMetricsSchema,
  sync: syncStatsSchema,
  server: serverStatsSchema,
});
export type MetricsResponse = z.infer<typeof metricsResponseSchema>;
