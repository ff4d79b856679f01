import type { HistoryRecord } from '../check/history.js';
import type { FaultRow } from './markdown.js';

/**
 * The timeline as a Vega-Lite spec (pure, so it is unit tested): faults as shaded bands over two
 * panels, per-second operation latency (p50, p99, max) and per-second failed / unknown
 * operations. Per-second series rather than one mark per operation keep the SVG small.
 */
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export function timelineSpec(history: readonly HistoryRecord[], faults: readonly FaultRow[], startedAt: number): Record<string, unknown> {
  const sec = (ms: number) => (ms - startedAt) / 1000;
  const bySecond = new Map<number, { latencies: number[]; failed: number; unknown: number }>();
  for (const r of history) {
    if (r.kind !== 'op') continue;
    const t = Math.floor(sec(r.end));
    const slot = bySecond.get(t) ?? { latencies: [], failed: 0, unknown: 0 };
    slot.latencies.push(r.end - r.start);
    if (r.outcome === 'failed') slot.failed++;
    if (r.outcome === 'unknown') slot.unknown++;
    bySecond.set(t, slot);
  }
  const latency: Array<{ t: number; ms: number; series: string }> = [];
  const errors: Array<{ t: number; count: number; outcome: string }> = [];
  for (const [t, slot] of [...bySecond].sort((a, b) => a[0] - b[0])) {
    const sorted = [...slot.latencies].sort((a, b) => a - b);
    latency.push({ t, ms: quantile(sorted, 0.5), series: 'p50' }, { t, ms: quantile(sorted, 0.99), series: 'p99' }, { t, ms: sorted[sorted.length - 1], series: 'max' });
    if (slot.failed) errors.push({ t, count: slot.failed, outcome: 'failed' });
    if (slot.unknown) errors.push({ t, count: slot.unknown, outcome: 'unknown' });
  }
  const bands = faults.filter((f) => !f.skipped).map((f) => ({ from: Math.round(sec(f.start) * 10) / 10, to: Math.round(sec(f.end) * 10) / 10, fault: `${f.fault} ${f.targets.length === 1 ? f.targets[0] : ''}`.trim() }));
  const last = Math.max(1, ...bySecond.keys(), ...bands.map((b) => b.to));
  const x = { field: 't', type: 'quantitative', title: 'seconds since the nemesis started', scale: { domain: [0, last] } };
  const band = {
    data: { values: bands },
    mark: { type: 'rect', opacity: 0.25, clip: true },
    encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, color: { field: 'fault', type: 'nominal', title: 'fault', scale: { scheme: 'tableau20' } } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'meshcache under the nemesis',
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      {
        width: 900,
        height: 240,
        resolve: { scale: { color: 'independent' } },
        layer: [
          band,
          {
            data: { values: latency },
            mark: { type: 'line', point: false, strokeWidth: 1.2 },
            encoding: {
              x,
              y: { field: 'ms', type: 'quantitative', title: 'latency per second (ms, symlog)', scale: { type: 'symlog' } },
              strokeDash: { field: 'series', type: 'nominal', title: 'latency', sort: ['p50', 'p99', 'max'] },
            },
          },
        ],
      },
      {
        width: 900,
        height: 130,
        resolve: { scale: { color: 'independent' } },
        layer: [
          band,
          {
            data: { values: errors },
            mark: { type: 'bar', width: 3, clip: true },
            encoding: {
              x,
              y: { field: 'count', type: 'quantitative', stack: 'zero', title: 'not-ok ops / s' },
              color: { field: 'outcome', type: 'nominal', title: 'outcome', scale: { domain: ['failed', 'unknown'], range: ['#c0392b', '#7f8c8d'] } },
            },
          },
        ],
      },
    ],
  };
}
