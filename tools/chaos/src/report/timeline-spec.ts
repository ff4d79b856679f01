import type { HistoryRecord } from '../check/history.js';
import type { FaultRow } from './markdown.js';

/**
 * The timeline as a Vega-Lite spec (pure, so it is unit tested): faults as shaded bands over two
 * panels, operation latency (points by outcome) and errors per second (failed + unknown).
 */
export function timelineSpec(history: readonly HistoryRecord[], faults: readonly FaultRow[], startedAt: number): Record<string, unknown> {
  const s = (ms: number) => Math.round((ms - startedAt) / 10) / 100;
  const ops = history.flatMap((r) => (r.kind === 'op' ? [{ t: s(r.end), latency: r.end - r.start, outcome: r.outcome, type: r.type }] : []));
  const bands = faults.filter((f) => !f.skipped).map((f) => ({ from: s(f.start), to: s(f.end), fault: `${f.fault} ${f.targets.length === 1 ? f.targets[0] : ''}`.trim() }));
  const errorsPerSecond = new Map<number, number>();
  for (const o of ops) if (o.outcome !== 'ok') errorsPerSecond.set(Math.floor(o.t), (errorsPerSecond.get(Math.floor(o.t)) ?? 0) + 1);
  const last = Math.ceil(Math.max(1, ...ops.map((o) => o.t)));
  const errors = Array.from({ length: last + 1 }, (_, sec) => ({ t: sec, errors: errorsPerSecond.get(sec) ?? 0 }));
  const x = { field: 't', type: 'quantitative', title: 'seconds since the nemesis started', scale: { domain: [0, last] } };
  const band = {
    data: { values: bands },
    mark: { type: 'rect', opacity: 0.25 },
    encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' }, color: { field: 'fault', type: 'nominal', title: 'fault', scale: { scheme: 'tableau20' } } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'meshcache under the nemesis',
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      {
        width: 900,
        height: 260,
        layer: [
          band,
          {
            data: { values: ops },
            mark: { type: 'point', filled: true, size: 12, opacity: 0.6 },
            encoding: {
              x,
              y: { field: 'latency', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'symlog' } },
              shape: { field: 'outcome', type: 'nominal', title: 'outcome' },
            },
          },
        ],
      },
      {
        width: 900,
        height: 140,
        layer: [
          band,
          {
            data: { values: errors },
            mark: { type: 'bar', color: '#c0392b' },
            encoding: { x, y: { field: 'errors', type: 'quantitative', title: 'failed + unknown ops / s' } },
          },
        ],
      },
    ],
  };
}
