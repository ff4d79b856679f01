import type { Sample } from './soak-verdict.js';

const METRICS: ReadonlyArray<{ title: string; value: (s: Sample) => number }> = [
  { title: 'RSS (MB)', value: (s) => s.rssBytes / 2 ** 20 },
  { title: 'heap used (MB)', value: (s) => s.heapUsedBytes / 2 ** 20 },
  { title: 'event-loop lag max (ms)', value: (s) => s.eventLoopLagMaxMs },
  { title: 'open fds', value: (s) => s.openFds },
  { title: 'sockets', value: (s) => s.sockets },
];

/** The soak's samples as a Vega-Lite spec (pure): one panel per metric over time, a line per node. */
export function soakChartSpec(samples: readonly Sample[], title: string): Record<string, unknown> {
  const rows = samples.flatMap((s) => METRICS.map((m) => ({ t: Math.round(s.t / 100) / 10, node: s.node, metric: m.title, value: Math.round(m.value(s) * 100) / 100 })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: rows },
    facet: { row: { field: 'metric', type: 'nominal', title: null, sort: METRICS.map((m) => m.title) } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 900,
      height: 120,
      mark: { type: 'line', interpolate: 'monotone' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds since the load started' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'node', type: 'nominal' },
      },
    },
  };
}

/** Renders the spec headless to SVG (vega is ES modules only, hence the dynamic import). */
export async function renderSoakChart(samples: readonly Sample[], title: string): Promise<string> {
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const view = new vega.View(vega.parse(compile(soakChartSpec(samples, title) as never).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
