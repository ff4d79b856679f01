import { useMemo, useSyncExternalStore } from 'react';
import { TimeSeriesChart, type ChartLine } from '../../charts/TimeSeriesChart';
import { usePageVisible } from '../../charts/use-page-visible';
import { Panel } from '../../components/Panel';
import { useConnection } from '../../connection/connection-context';
import { useMetrics } from '../../connection/queries';
import { formatBytes, formatDuration, formatPercent, formatRate } from '../../format/format';

const idle = () => () => undefined;

/**
 * Live hit ratio, throughput, evictions and memory, from the counters pushed once a second.
 * While the page is hidden samples keep being recorded, but the panel neither listens nor draws.
 */
export function ChartsPanel() {
  const { history } = useConnection();
  const metrics = useMetrics();
  const visible = usePageVisible();
  // Hidden: read the series as they were when the page was hidden, and stop listening.
  const getSeries = useMemo(() => {
    if (visible) return history.snapshot;
    const frozen = history.snapshot();
    return () => frozen;
  }, [history, visible]);
  const series = useSyncExternalStore(visible ? history.subscribe : idle, getSeries);

  const lines = useMemo(
    () => ({
      hitRatio: [{ label: 'hit ratio', values: series.hitRatio, colorVar: '--series-1' }] satisfies ChartLine[],
      ops: [
        { label: 'reads', values: series.reads, colorVar: '--series-1' },
        { label: 'writes', values: series.writes, colorVar: '--series-2' },
      ] satisfies ChartLine[],
      removals: [
        { label: 'evictions', values: series.evictions, colorVar: '--series-3' },
        { label: 'expirations', values: series.expirations, colorVar: '--series-2' },
      ] satisfies ChartLine[],
      memory: [
        { label: 'heap used', values: series.heapUsed, colorVar: '--series-4' },
        { label: 'RSS', values: series.rss, colorVar: '--series-1' },
      ] satisfies ChartLine[],
    }),
    [series],
  );

  const cache = metrics.data?.cache;
  const server = metrics.data?.server;
  const sync = metrics.data?.sync;
  const paused = !visible;

  return (
    <Panel title="Live metrics" summary={paused ? 'paused while the page is hidden' : 'pushed every second'} className="panel-charts">
      {cache && server && sync ? (
        <dl className="stat-tiles">
          <div>
            <dt>Keys</dt>
            <dd>
              {cache.size.toLocaleString()} / {cache.capacity.toLocaleString()}
            </dd>
          </div>
          <div>
            <dt>Hit rate since start</dt>
            <dd>{formatPercent(cache.hitRate * 100)}</dd>
          </div>
          <div>
            <dt>Evictions</dt>
            <dd>{cache.evictions.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Expirations</dt>
            <dd>{cache.expirations.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Replication lag (ops)</dt>
            <dd>{sync.lag.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Uptime</dt>
            <dd>{formatDuration(server.uptime * 1000)}</dd>
          </div>
        </dl>
      ) : null}
      <div className="chart-grid">
        <TimeSeriesChart title="Hit ratio" times={series.times} lines={lines.hitRatio} format={formatPercent} paused={paused} />
        <TimeSeriesChart title="Operations per second" times={series.times} lines={lines.ops} format={formatRate} paused={paused} />
        <TimeSeriesChart title="Evictions and expirations per second" times={series.times} lines={lines.removals} format={formatRate} paused={paused} />
        <TimeSeriesChart title="Memory" times={series.times} lines={lines.memory} format={formatBytes} paused={paused} />
      </div>
    </Panel>
  );
}
