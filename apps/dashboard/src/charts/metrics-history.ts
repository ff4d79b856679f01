import { LATENCY_BUCKETS_MS, type MetricsResponse } from '@meshcache/api-contract';
import { CounterHistory } from './counter-history';
import { histogramQuantile } from './latency-percentiles';

/** One cumulative counter per latency bucket (the last one counts every request). */
type LatencyBucketName = `latency${number}`;
const LATENCY_NAMES: LatencyBucketName[] = [...LATENCY_BUCKETS_MS, Infinity].map((_bound, i) => `latency${i}` as const);

export type MetricName = 'hits' | 'misses' | 'ownOps' | 'replicatedOps' | 'evictions' | 'expirations' | 'heapUsed' | 'rss' | LatencyBucketName;

/** Ten minutes at the server's one-per-second metrics pace. */
export const HISTORY_SAMPLES = 600;

type Series = readonly (number | null)[];

/** What the charts draw, derived once per new sample. */
export interface ChartSeries {
  readonly times: readonly number[];
  readonly hitRatio: Series;
  readonly reads: Series;
  readonly writes: Series;
  readonly evictions: Series;
  readonly expirations: Series;
  readonly heapUsed: Series;
  readonly rss: Series;
  /** Request latency (ms) of each interval, from the node's histogram; null when idle or not reported. */
  readonly latencyP50: Series;
  readonly latencyP95: Series;
  readonly latencyP99: Series;
}

const sum = (a: Series, b: Series): Series => a.map((x, i) => (x === null || b[i] === null ? null : x + (b[i] as number)));

/**
 * The metrics samples behind the live charts, fed by `metrics-update` events. It lives outside
 * React so samples keep arriving while the charts are paused, and offers subscribe/snapshot for
 * useSyncExternalStore.
 */
export class MetricsHistory {
  private readonly counters = new CounterHistory<MetricName>(HISTORY_SAMPLES);
  private readonly listeners = new Set<() => void>();
  private cached: { revision: number; series: ChartSeries } | undefined;

  record(metrics: MetricsResponse): void {
    const { cache, server } = metrics;
    const accepted = this.counters.push({
      at: server.timestamp,
      values: {
        hits: cache.hits,
        misses: cache.misses,
        // Writes are operations (this node's own, and those replicated to it), not cache sets:
        // loading a snapshot sets every key it carries and is not write traffic.
        ownOps: metrics.sync.seq,
        replicatedOps: metrics.sync.opsReceived,
        evictions: cache.evictions,
        expirations: cache.expirations,
        heapUsed: server.memory.heapUsed,
        rss: server.memory.rss,
        ...latencyValues(server.latency?.counts),
      },
    });
    if (accepted) for (const listener of this.listeners) listener();
  }

  /** The node went out of reach: the next sample's interval is drawn as a gap. */
  markGap(): void {
    this.counters.markGap();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The same object until a new sample arrives, as useSyncExternalStore requires. */
  snapshot = (): ChartSeries => {
    const c = this.counters;
    if (this.cached?.revision !== c.revision) {
      this.cached = {
        revision: c.revision,
        series: {
          times: c.intervalTimes(),
          hitRatio: c.ratio('hits', 'misses'),
          reads: sum(c.rate('hits'), c.rate('misses')),
          writes: sum(c.rate('ownOps'), c.rate('replicatedOps')),
          evictions: c.rate('evictions'),
          expirations: c.rate('expirations'),
          heapUsed: c.gauge('heapUsed'),
          rss: c.gauge('rss'),
          ...latencySeries(c),
        },
      };
    }
    return this.cached.series;
  };
}

const latencyValues = (counts: readonly number[] | undefined): Record<LatencyBucketName, number> =>
  Object.fromEntries(LATENCY_NAMES.map((name, i) => [name, counts?.[i] ?? 0])) as Record<LatencyBucketName, number>;

const latencySeries = (c: CounterHistory<MetricName>) => {
  const increases = LATENCY_NAMES.map((name) => c.increase(name));
  const intervals = increases[0].length;
  const quantile = (q: number): Series =>
    Array.from({ length: intervals }, (_, t) => {
      const inc = increases.map((series) => series[t]);
      return inc.some((v) => v === null) ? null : histogramQuantile(q, inc as number[]);
    });
  return { latencyP50: quantile(0.5), latencyP95: quantile(0.95), latencyP99: quantile(0.99) };
};
