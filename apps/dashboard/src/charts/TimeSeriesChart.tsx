import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock } from '../format/format';
import { cssVar, useColorScheme } from '../theme/use-color-scheme';

export interface ChartLine {
  label: string;
  /** one value per time; null draws a gap */
  values: readonly (number | null)[];
  /** CSS custom property holding the line colour, e.g. `--series-1` */
  colorVar: string;
}

interface TimeSeriesChartProps {
  title: string;
  /** seconds since the epoch, ascending */
  times: readonly number[];
  lines: readonly ChartLine[];
  format: (value: number) => string;
  /** while true the chart keeps its last picture and skips redraws (hidden page) */
  paused: boolean;
  height?: number;
}

const toData = (times: readonly number[], lines: readonly ChartLine[]): uPlot.AlignedData => [
  times as number[],
  ...lines.map((line) => line.values as (number | null)[]),
];

/**
 * A uPlot line chart. The canvas is not readable by assistive technology, so the figure's
 * caption states the latest value of every line in text.
 */
export function TimeSeriesChart({ title, times, lines, format, paused, height = 170 }: TimeSeriesChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The chart is rebuilt only when its look changes (theme, lines, height); it reads the data of
  // the moment from this ref, and later data goes through setData.
  const latest = useRef({ times, lines, format });
  latest.current = { times, lines, format };
  const scheme = useColorScheme();
  const labels = lines.map((line) => `${line.label}\u0000${line.colorVar}`).join('\u0001');

  useEffect(() => {
    const target = container.current;
    if (!target) return undefined;
    const grid = cssVar('--grid');
    const text = cssVar('--text-muted');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const { times: t, lines: l, format: fmt } = latest.current;
    const chart = new uPlot(
      {
        width: target.clientWidth || 480,
        height,
        // The caption is the legend (readable text, not canvas); the cursor still shows values.
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [
          { ...axis, space: 70, values: (_u, splits) => splits.map((v) => formatClock(v * 1000)) },
          { ...axis, size: 76, values: (_u, splits) => splits.map((v) => fmt(v)) },
        ],
        series: [
          {},
          ...l.map((line) => ({
            label: line.label,
            stroke: cssVar(line.colorVar),
            width: 2,
          })),
        ],
      },
      toData(t, l),
      target,
    );
    plot.current = chart;
    const resize =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => chart.setSize({ width: target.clientWidth || 480, height }));
    resize?.observe(target);
    return () => {
      resize?.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [scheme, labels, height]);

  useEffect(() => {
    if (!paused) plot.current?.setData(toData(times, lines));
  }, [times, lines, paused]);

  const latestOf = (line: ChartLine) => {
    const last = line.values[line.values.length - 1];
    return last == null ? 'no data' : format(last);
  };

  return (
    <figure className="chart" aria-label={title} data-points={times.length}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-latest" data-testid="chart-latest">
          {times.length === 0
            ? 'waiting for data'
            : lines.map((line, i) => (
                <span key={line.label} className="chart-key">
                  <span className="chart-swatch" aria-hidden="true" style={{ background: `var(${line.colorVar})` }} />
                  {line.label} {latestOf(line)}
                  {i < lines.length - 1 ? ', ' : ''}
                </span>
              ))}
          {paused ? ' (paused while the page is hidden)' : ''}
        </span>
      </figcaption>
      <div ref={container} className="chart-canvas" aria-hidden="true" />
    </figure>
  );
}
