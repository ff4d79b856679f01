import { Counter, type Metric, type Registry } from 'prom-client';

interface StatusSeries {
  readonly labels: { readonly method: string; readonly route: string; readonly status: string };
  count: number;
}

interface LatencySeries {
  readonly labels: { readonly method: string; readonly route: string };
  /** Observations per bucket (not cumulative); the last one is above every bound (+Inf). */
  readonly perBucket: Float64Array;
  sum: number;
  count: number;
  /** This method and route's requests by status. */
  readonly byStatus: Map<number, StatusSeries>;
}

/**
 * Every finished request, counted by method, route and status and timed by method and route,
 * in plain numbers per series. prom-client's `inc` and `observe` validate and hash their label
 * object on every call: ~2 µs of a request (5 % of a GET on the fast path, `perf`). Here a request
 * is three `Map` lookups on the strings it already has; prom-client gets the totals when it is
 * scraped (`registerHttpSeries`), in the same exposition its own Counter and Histogram write.
 */
export class HttpSeries {
  /** route → method → series. */
  private readonly lookup = new Map<string, Map<string, LatencySeries>>();
  // Each kind of series in the order it first appeared, as prom-client lists them.
  private readonly timed: LatencySeries[] = [];
  private readonly counted: StatusSeries[] = [];

  /** `bounds`: the histogram's upper bounds in seconds, ascending. */
  constructor(readonly bounds: readonly number[]) {}

  record(method: string, route: string, status: number, seconds: number): void {
    const timed = this.series(method, route);
    let counted = timed.byStatus.get(status);
    if (counted === undefined) {
      counted = { labels: { method, route, status: String(status) }, count: 0 };
      timed.byStatus.set(status, counted);
      this.counted.push(counted);
    }
    counted.count++;
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) bucket++;
    timed.perBucket[bucket]++;
    timed.sum += seconds;
    timed.count++;
  }

  statusSeries(): Iterable<StatusSeries> {
    return this.counted;
  }

  latencySeries(): Iterable<LatencySeries> {
    return this.timed;
  }

  private series(method: string, route: string): LatencySeries {
    let byMethod = this.lookup.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.lookup.set(route, byMethod);
    }
    let found = byMethod.get(method);
    if (found === undefined) {
      found = { labels: { method, route }, perBucket: new Float64Array(this.bounds.length + 1), sum: 0, count: 0, byStatus: new Map() };
      byMethod.set(method, found);
      this.timed.push(found);
    }
    return found;
  }
}

/** One line of the exposition, as prom-client's metrics hand them to the registry. */
interface ExpositionValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * The request counter (a prom-client Counter filled at scrape time, like the cache's mirrored
 * counters) and the latency histogram: a metric object whose `get()` gives the registry what
 * prom-client's Histogram gives it (cumulative `_bucket` values, `le` first, then `_sum` and
 * `_count`). The registry asks a metric for `name`, `get()` and `reset()` only.
 */
export const registerHttpSeries = (
  registry: Registry,
  series: HttpSeries,
  requests: { readonly name: string; readonly help: string },
  latency: { readonly name: string; readonly help: string },
): void => {
  new Counter({
    ...requests,
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of series.statusSeries()) this.inc(s.labels, s.count);
    },
  });
  const bucket = `${latency.name}_bucket`;
  const get = () => {
    const values: ExpositionValue[] = [];
    for (const s of series.latencySeries()) {
      let cumulative = 0;
      series.bounds.forEach((le, i) => {
        cumulative += s.perBucket[i];
        values.push({ labels: { le, ...s.labels }, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: bucket });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${latency.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${latency.name}_count` });
    }
    return { ...latency, type: 'histogram', aggregator: 'sum', values };
  };
  registry.registerMetric({ ...latency, get, reset: () => undefined } as unknown as Metric);
};
