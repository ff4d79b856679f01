import {
  keyEntrySchema,
  metricsResponseSchema,
  nodeInfoSchema,
  syncHistoryEntrySchema,
  type CacheMetrics,
  type HealthProblem,
  type KeyEntry,
  type MetricsResponse,
  type NodeInfo,
  type ServerStats,
  type SyncHistoryEntry,
  type SyncStats,
} from '@meshcache/api-contract';

// Every fixture goes through its contract schema, so a change of the contract breaks the tests
// here rather than letting them pass against shapes the server no longer sends.

export function makeSyncStats(overrides: Partial<SyncStats> = {}): SyncStats {
  return {
    nodeId: 'node-1',
    origin: 'node-1#1',
    connectedNodes: 0,
    syncEnabled: true,
    totalSyncOperations: 0,
    lastSyncTime: null,
    nodeList: [],
    lag: 0,
    seq: 0,
    backlogSize: 0,
    backlogCapacity: 1000,
    fullSyncs: 0,
    partialSyncs: 0,
    snapshotsSent: 0,
    rejectedMessages: 0,
    opsSent: 0,
    opsReceived: 0,
    tombstones: 0,
    tombstoneBytes: 0,
    backlogBytes: 0,
    forceSyncs: 0,
    repairedKeys: 0,
    problems: [],
    ...overrides,
  };
}

export function makeMetrics(
  at: number,
  cache: Partial<CacheMetrics> = {},
  sync: Partial<SyncStats> = {},
  memory: { heapUsed?: number; rss?: number; problems?: HealthProblem[] } & Partial<Pick<ServerStats, 'connections' | 'latency' | 'persistence'>> = {},
): MetricsResponse {
  return metricsResponseSchema.parse({
    cache: {
      strategy: 'LRU',
      size: 0,
      capacity: 1000,
      hits: 0,
      misses: 0,
      hitRatio: 0,
      missRatio: 0,
      hitRate: 0,
      missRate: 0,
      sets: 0,
      deletes: 0,
      evictions: 0,
      expirations: 0,
      ...cache,
    },
    sync: makeSyncStats(sync),
    server: {
      nodeId: sync.nodeId ?? 'node-1',
      uptime: 12,
      memory: { rss: memory.rss ?? 64 << 20, heapTotal: 32 << 20, heapUsed: memory.heapUsed ?? 16 << 20, external: 0, arrayBuffers: 0 },
      timestamp: at,
      version: '0.1.0',
      problems: memory.problems ?? [],
      connections: memory.connections,
      latency: memory.latency,
      persistence: memory.persistence,
    },
  });
}

export function makeNode(overrides: Partial<NodeInfo> & Pick<NodeInfo, 'id'>): NodeInfo {
  return nodeInfoSchema.parse({
    url: `http://127.0.0.1:500${overrides.id.slice(-1)}`,
    state: 'up',
    strategy: 'LRU',
    size: 10,
    capacity: 1000,
    lag: 0,
    lastSeen: 1_000,
    self: false,
    ...overrides,
  });
}

export function makeKeyEntry(key: string, overrides: Partial<KeyEntry> = {}): KeyEntry {
  return keyEntrySchema.parse({ key, preview: '"value"', bytes: 7, accessCount: 1, updatedAt: 1_000, expiresAt: null, ...overrides });
}

export function makeHistoryEntry(id: string, overrides: Partial<SyncHistoryEntry> = {}): SyncHistoryEntry {
  return syncHistoryEntrySchema.parse({ id, timestamp: 1_000, type: 'ops-received', ...overrides });
}
