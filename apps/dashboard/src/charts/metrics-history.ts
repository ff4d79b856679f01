import type { MetricsResponse } from '@meshcache/api-contract';
import { CounterHistory } from './counter-history';

export type MetricName = 'hits' | 'misses' | 'ownOps' | 'replicatedOps' | 'evictions' | 'expirations' | 'heapUsed' | 'rss';

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
        },
      };
    }
    return this.cached.series;
  };
}
