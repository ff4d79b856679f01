import { soakChartSpec } from './soak-chart.js';
import { promSeries } from './node-sampler.js';
import { parseSoakArgs } from './soak-options.js';
import { CI, floors, judge, STRICT, type LoadTotals, type Sample } from './soak-verdict.js';

const MB = 2 ** 20;
/** A GC sawtooth: `base` floor plus up to 30 MB of garbage, floors rising by `drift` per sample. */
const run = (n: number, opts: { drift?: number; fds?: (i: number) => number; lag?: number } = {}): Sample[] =>
  Array.from({ length: n }, (_, i) => ({
    node: 's1',
    t: i * 2000,
    heapUsedBytes: 60 * MB + (opts.drift ?? 0) * i + (i % 5) * 6 * MB,
    rssBytes: 150 * MB + (opts.drift ?? 0) * i + (i % 5) * 8 * MB,
    eventLoopLagMaxMs: opts.lag ?? 12,
    openFds: opts.fds?.(i) ?? 40,
    sockets: 20,
  }));
const quiet: LoadTotals = { reads: 120_000, writes: 30_000, errors: 0, errorSamples: [], getP99Ms: 3.2, seconds: 60 };
const failed = (samples: Sample[], load = quiet, limits = STRICT) => judge(samples, load, limits).filter((c) => !c.ok).map((c) => c.name);

describe('soak verdict', () => {
  it('passes a flat sawtooth: floors, not single readings, are compared', () => {
    expect(failed(run(300))).toEqual([]);
    expect(floors([5, 1, 7, 2, 9, 3], 3)).toEqual([1, 2, 3]);
  });

  it('fails a slow leak of the floors, a growing fd count, a stalled loop, errors and slow reads', () => {
    expect(failed(run(300, { drift: 0.2 * MB }))).toEqual(['s1 heap floor', 's1 RSS floor']);
    expect(failed(run(300, { fds: (i) => 40 + Math.floor(i / 30) }))).toEqual(['s1 openFds flat']);
    expect(failed(run(300, { lag: 80 }))).toEqual(['s1 event-loop lag']);
    expect(failed(run(300), { ...quiet, errors: 1, errorSamples: ['GET soak-1: HTTP 500'] })).toEqual(['errors']);
    expect(failed(run(300), { ...quiet, getP99Ms: 12 })).toEqual(['GET p99']);
    const p99 = judge(run(300), { ...quiet, getP99Ms: 12, ownLag: { p99Ms: 3, maxMs: 41.5 } }, STRICT).find((c) => c.name === 'GET p99');
    expect(p99?.detail).toBe("12.00 ms over 120000 reads (at most 10); the load generator's own event-loop delay p99 3.0 ms, max 41.5 ms");
    const split = judge(run(300), { ...quiet, getP99Ms: 12, nodeGets: { within10Ms: 119_880, count: 120_000 } }, STRICT).find((c) => c.name === 'GET p99');
    expect(split?.detail).toBe('12.00 ms over 120000 reads (at most 10); in the nodes themselves 99.90 % of 120000 GETs took at most 10 ms');
  });

  it('names the lag apart from the strategy switches, and still judges the whole run', () => {
    const samples = run(300).map((s) => (s.t === 20_000 ? { ...s, eventLoopLagMaxMs: 180 } : s));
    const lag = judge(samples, quiet, STRICT, { at: [19_000], windowMs: 4000 }).find((c) => c.name === 's1 event-loop lag');
    expect(lag).toEqual({ name: 's1 event-loop lag', ok: false, detail: 'max 180.0 ms (at most 50); 12.0 ms outside the samples just after the 1 strategy switches' });
  });

  it('names the lag of the samples around the disk snapshots apart from the others', () => {
    // A snapshot every 20 s, taken between two samples; the one after it is slow.
    const samples = run(300).map((s) => ({ ...s, lastSnapshotAt: 1_000_000 + Math.floor((s.t + 1000) / 20_000) * 20_000, eventLoopLagMaxMs: s.t === 40_000 ? 95 : s.t === 42_000 ? 70 : 12 }));
    const lag = judge(samples, quiet, STRICT).find((c) => c.name === 's1 event-loop lag');
    expect(lag?.detail).toBe('max 95.0 ms (at most 50); 95.0 ms in the 58 samples around the 29 disk snapshots, 12.0 ms in the other samples apart from the switches');
    // Without DATA_DIR the gauge stays 0: nothing to name.
    const none = judge(run(300).map((s) => ({ ...s, lastSnapshotAt: 0 })), quiet, STRICT).find((c) => c.name === 's1 event-loop lag');
    expect(none?.detail).toBe('max 12.0 ms (at most 50)');
  });

  it('relaxes only timing and memory for CI, never handles or errors', () => {
    expect(failed(run(300, { lag: 80 }), quiet, CI)).toEqual([]);
    // Latency is reported, not judged, on a shared CI machine.
    expect(failed(run(300, { lag: 1300 }), { ...quiet, getP99Ms: 500 }, CI)).toEqual([]);
    expect(judge(run(300, { lag: 1300 }), quiet, CI).find((c) => c.name === 's1 event-loop lag')?.detail).toContain('reported, not judged with --ci');
    expect(failed(run(300, { lag: 1300 }), quiet, STRICT)).toEqual(['s1 event-loop lag']);
    expect(CI.handleSlack).toBe(STRICT.handleSlack);
    expect(failed(run(300, { fds: (i) => 40 + Math.floor(i / 30) }), quiet, CI)).toEqual(['s1 openFds flat']);
  });

  it('reads one labelled series of a Prometheus exposition', () => {
    const text = [
      'meshcache_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/api/cache"} 7',
      'meshcache_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/cache/:key"} 90',
      'meshcache_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/api/cache/:key"} 99',
      'meshcache_http_request_duration_seconds_count{method="GET",route="/api/cache/:key"} 100',
    ].join('\n');
    expect(promSeries(text, 'meshcache_http_request_duration_seconds_bucket', { method: 'GET', route: '/api/cache/:key', le: '0.01' })).toBe(99);
    expect(promSeries(text, 'meshcache_http_request_duration_seconds_count', { method: 'GET', route: '/api/cache/:key' })).toBe(100);
    expect(promSeries(text, 'meshcache_http_request_duration_seconds_count', { method: 'DELETE' })).toBeUndefined();
  });

  it('parses its flags with zod and names a bad one', () => {
    expect(parseSoakArgs(['--minutes', '10'])).toMatchObject({ ok: true, options: { minutes: 10, reads: 2000, writes: 500, ci: false } });
    expect(parseSoakArgs(['--minutes', '-1'])).toMatchObject({ ok: false, message: expect.stringContaining('--minutes') });
    expect(parseSoakArgs(['--nope'])).toMatchObject({ ok: false, message: expect.stringContaining('unknown flag --nope') });
    expect(parseSoakArgs(['--data-dir', '--fsync', 'always', '--snapshot-ms', '10000', '--node-args', '--trace-gc --cpu-prof-dir=/tmp/p'])).toMatchObject({
      ok: true,
      options: { dataDir: true, fsync: 'always', snapshotMs: 10_000, nodeArgs: ['--trace-gc', '--cpu-prof-dir=/tmp/p'] },
    });
    expect(parseSoakArgs(['--node-args', 'script.js'])).toMatchObject({ ok: false, message: expect.stringContaining('--node-args') });
    expect(parseSoakArgs(['--fsync', 'sometimes'])).toMatchObject({ ok: false, message: expect.stringContaining('--fsync') });
  });

  it('plots one panel per metric with a line per node', () => {
    const spec = soakChartSpec(run(3), 'title') as { data: { values: { metric: string }[] } };
    expect(new Set(spec.data.values.map((v) => v.metric)).size).toBe(5);
  });
});
