import type { ClusterNodeMetrics } from '@meshcache/api-contract';
import type { ChartSeries } from '../../charts/metrics-history';

/** One node's figures in the cluster view: latest interval rates from its chart history. */
export interface NodeFigures {
  readonly id: string;
  readonly url: string | null;
  /** why the node gave no figures, when it did not answer */
  readonly error: string | null;
  /** reads + writes per second over the latest interval; null until two samples exist */
  readonly opsPerSecond: number | null;
  /** hit ratio (%) of the latest interval's reads; null without reads */
  readonly hitRatio: number | null;
  readonly readsPerSecond: number | null;
  readonly rss: number | null;
  readonly keys: number | null;
  readonly connections: number | null;
  /** this node's operations a peer has not acknowledged yet (its largest) */
  readonly lag: number | null;
  readonly latencyP99: number | null;
  readonly diskWritable: boolean | null;
}

export interface ClusterTotals {
  readonly answered: number;
  readonly total: number;
  readonly opsPerSecond: number | null;
  readonly hitRatio: number | null;
  readonly rss: number;
  /** fewest and most keys held by one node: every node holds the whole cache when in sync */
  readonly keysMin: number | null;
  readonly keysMax: number | null;
}

const latest = (series: readonly (number | null)[]): number | null => (series.length === 0 ? null : series[series.length - 1]);

export function nodeFigures(node: ClusterNodeMetrics, series: ChartSeries): NodeFigures {
  const reads = latest(series.reads);
  const writes = latest(series.writes);
  if (!node.ok) {
    return { id: node.id, url: node.url, error: node.error, opsPerSecond: null, hitRatio: null, readsPerSecond: null, rss: null, keys: null, connections: null, lag: null, latencyP99: null, diskWritable: null };
  }
  const { cache, sync, server } = node.metrics;
  return {
    id: node.id,
    url: node.url,
    error: null,
    opsPerSecond: reads === null || writes === null ? null : reads + writes,
    hitRatio: latest(series.hitRatio),
    readsPerSecond: reads,
    rss: server.memory.rss,
    keys: cache.size,
    connections: server.connections ?? null,
    lag: sync.lag,
    latencyP99: latest(series.latencyP99),
    diskWritable: server.persistence ? server.persistence.disk.writable : null,
  };
}

/** Sums over the nodes that answered; the hit ratio is weighted by each node's reads. */
export function clusterTotals(rows: readonly NodeFigures[]): ClusterTotals {
  const up = rows.filter((r) => r.error === null);
  const rated = up.filter((r) => r.opsPerSecond !== null);
  const withReads = up.filter((r) => r.hitRatio !== null && r.readsPerSecond !== null && r.readsPerSecond > 0);
  const reads = withReads.reduce((sum, r) => sum + (r.readsPerSecond as number), 0);
  const keys = up.map((r) => r.keys).filter((k): k is number => k !== null);
  return {
    answered: up.length,
    total: rows.length,
    opsPerSecond: rated.length === 0 ? null : rated.reduce((sum, r) => sum + (r.opsPerSecond as number), 0),
    hitRatio: reads === 0 ? null : withReads.reduce((sum, r) => sum + (r.hitRatio as number) * (r.readsPerSecond as number), 0) / reads,
    rss: up.reduce((sum, r) => sum + (r.rss ?? 0), 0),
    keysMin: keys.length === 0 ? null : Math.min(...keys),
    keysMax: keys.length === 0 ? null : Math.max(...keys),
  };
}
