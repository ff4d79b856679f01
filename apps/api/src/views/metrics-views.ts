import { peerToNodeInfo, strategyLabel } from '@meshcache/api-contract';
import type { CacheMetrics, MetricsResponse, NodeInfo, NodeListUpdateEvent, ServerStats, SyncStatusResponse } from '@meshcache/api-contract';
import type { ReplicaNode } from '@meshcache/sync-node';
import type { ServerContext } from '../server/context.js';

export const cacheMetrics = (node: ReplicaNode): CacheMetrics => {
  const s = node.cache.stats();
  const reads = s.hits + s.misses;
  return {
    strategy: strategyLabel(node.cache.strategy),
    size: s.size,
    capacity: s.capacity,
    hits: s.hits,
    misses: s.misses,
    hitRatio: reads ? s.hits / reads : 0,
    missRatio: reads ? s.misses / reads : 0,
    hitRate: reads ? s.hits / reads : 0,
    missRate: reads ? s.misses / reads : 0,
    sets: s.sets,
    deletes: s.deletes,
    evictions: s.evictions,
    expirations: s.expirations,
  };
};

export const serverStats = (ctx: ServerContext): ServerStats => {
  const m = process.memoryUsage();
  return {
    nodeId: ctx.config.nodeId,
    uptime: process.uptime(),
    memory: { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers },
    timestamp: Date.now(),
    version: ctx.version,
    problems: ctx.problems.list(),
    connections: ctx.connections.open,
    latency: ctx.prometheus.latency(),
    persistence: ctx.persistence.store?.status() ?? null,
  };
};

/** `GET /api/sync/status`: the engine's figures with every `/health` problem (see syncStatusResponseSchema). */
export const syncStatusView = (ctx: ServerContext): SyncStatusResponse => ({ ...ctx.node.stats(), problems: ctx.problems.list() });

export const metricsView = (ctx: ServerContext): MetricsResponse => ({
  cache: cacheMetrics(ctx.node),
  sync: ctx.node.stats(),
  server: serverStats(ctx),
});

/** This node first, then its peers as the replication engine sees them. */
export const nodeList = (ctx: ServerContext): NodeListUpdateEvent => {
  const { node, config } = ctx;
  const self: NodeInfo = {
    id: config.nodeId,
    url: config.selfUrl,
    state: 'up',
    self: true,
    strategy: strategyLabel(node.cache.strategy),
    size: node.cache.size,
    capacity: node.cache.capacity,
    lag: 0,
    lastSeen: Date.now(),
  };
  const peers = node.nodes().map(peerToNodeInfo);
  return { nodes: [self, ...peers], totalNodes: peers.length + 1, currentNode: config.nodeId };
};
