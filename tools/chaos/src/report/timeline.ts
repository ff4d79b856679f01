import type { HistoryRecord } from '../check/history.js';
import type { FaultRow } from './markdown.js';
import { timelineSpec } from './timeline-spec.js';

/**
 * timeline.svg: Vega-Lite compiled to Vega, rendered headless to SVG (no canvas needed). vega is
 * ES modules only (with top-level await), so it is imported dynamically from this CommonJS run.
 */
export async function renderTimeline(history: readonly HistoryRecord[], faults: readonly FaultRow[], startedAt: number): Promise<string> {
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const spec = compile(timelineSpec(history, faults, startedAt) as never).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
