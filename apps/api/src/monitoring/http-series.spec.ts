import { LATENCY_BUCKETS_MS } from '@meshcache/api-contract';
import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { HttpSeries, registerHttpSeries } from './http-series.js';
import { createPrometheus, type PrometheusSource } from './prometheus.js';

const REQUESTS = { name: 'meshcache_http_requests_total', help: 'HTTP requests by route, method and status' };
const LATENCY = { name: 'meshcache_http_request_duration_seconds', help: 'HTTP request latency by route' };
const BOUNDS = LATENCY_BUCKETS_MS.map((ms) => ms / 1000);

/** What prom-client's own Counter and Histogram write for the same requests: the reference. */
const reference = () => {
  const registry = new Registry();
  registry.setDefaultLabels({ node: 'n1' });
  const requests = new Counter({ ...REQUESTS, labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({ ...LATENCY, labelNames: ['method', 'route'], buckets: BOUNDS, registers: [registry] });
  return {
    registry,
    record: (method: string, route: string, status: number, seconds: number) => {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
  };
};

const ours = () => {
  const registry = new Registry();
  registry.setDefaultLabels({ node: 'n1' });
  const series = new HttpSeries(BOUNDS);
  registerHttpSeries(registry, series, REQUESTS, LATENCY);
  return { registry, record: series.record.bind(series) };
};

/** The exposition with each line's labels sorted: their order means nothing to Prometheus (prom-client's Histogram puts the registry's default labels first). */
const normalised = (text: string) =>
  text.replace(/\{([^}]*)\}/g, (_all, labels: string) => `{${labels.split(/,(?=[a-z_]+=")/).sort().join(',')}}`);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE'),
  route: fc.constantFrom('/api/cache/:key', '/api/cache', '/health', '__proto__'),
  status: fc.constantFrom(200, 304, 400, 404, 429, 500),
  // Bounds themselves included: a value equal to a bound belongs to that bucket.
  seconds: fc.oneof(fc.constantFrom(...BOUNDS), fc.double({ min: 0, max: 20, noNaN: true })),
});

describe('HttpSeries', () => {
  it('writes what prom-client\'s Counter and Histogram write for the same requests, scrape after scrape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(request, { maxLength: 40 }), { minLength: 1, maxLength: 3 }), async (batches) => {
        const a = reference();
        const b = ours();
        for (const batch of batches) {
          for (const r of batch) {
            a.record(r.method, r.route, r.status, r.seconds);
            b.record(r.method, r.route, r.status, r.seconds);
          }
          expect(normalised(await b.registry.metrics())).toBe(normalised(await a.registry.metrics()));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('counts a series it has seen before without a new entry', async () => {
    const { registry, record } = ours();
    for (let i = 0; i < 1000; i++) record('GET', '/api/cache/:key', 200, 0.0004);
    const text = await registry.metrics();
    expect(text).toContain('meshcache_http_requests_total{method="GET",route="/api/cache/:key",status="200",node="n1"} 1000');
    expect(text).toContain('meshcache_http_request_duration_seconds_count{method="GET",route="/api/cache/:key",node="n1"} 1000');
  });
});

describe("the dashboard's latency summary (createPrometheus().latency())", () => {
  it('sums every route into cumulative buckets and a total in ms', () => {
    const metrics = createPrometheus({} as PrometheusSource, 'n1');
    const observed = [
      ['GET', '/api/cache/:key', 200, 0.0004],
      ['POST', '/api/cache', 200, 0.003],
      ['GET', '/health', 200, 20],
      ['GET', '/api/cache/:key', 404, BOUNDS[0]],
    ] as const;
    for (const [method, route, status, seconds] of observed) metrics.observe(method, route, status, seconds);
    const { counts, sumMs } = metrics.latency();
    expect(counts).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
    // Cumulative: each bucket holds the requests at or under its bound; the last one all of them.
    LATENCY_BUCKETS_MS.forEach((bound, i) => expect(counts[i]).toBe(observed.filter(([, , , s]) => s * 1000 <= bound).length));
    expect(counts.at(-1)).toBe(4);
    expect(sumMs).toBeCloseTo(observed.reduce((sum, [, , , s]) => sum + s * 1000, 0), 6);
  });
});
