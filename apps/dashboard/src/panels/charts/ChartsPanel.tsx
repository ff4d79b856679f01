import { useMemo, useSyncExternalStore } from 'react';
import { TimeSeriesChart, type ChartLine } from '../../charts/TimeSeriesChart';
import { usePageVisible } from '../../charts/use-page-visible';
import { Panel } from '../../components/Panel';
import { useConnection } from '../../connection/connection-context';
import { useClusterMetrics, useMetrics } from '../../connection/queries';
import { formatBytes, formatDuration, formatLatency, formatPercent, formatRate } from '../../format/format';

const idle = () => () => undefined;

interface ChartsPanelProps {
  /** the node whose charts are shown; null (or the page's node) for the page's own node */
  nodeId?: string | null;
  onNodeId?: (nodeId: string) => void;
}

/**
 * Live hit ratio, throughput, latency, evictions and memory of one node: the page's own from the
 * counters its socket pushes once a second, another from the cluster view's answers. Switching
 * node swaps the history drawn; every node's history keeps growing meanwhile. While the page is
 * hidden samples keep being recorded, but the panel neither listens nor draws.
 */
export function ChartsPanel({ nodeId = null, onNodeId }: ChartsPanelProps) {
  const { history: ownHistory, clusterHistory } = useConnection();
  const ownMetrics = useMetrics();
  const cluster = useClusterMetrics();
  const ownId = cluster.data?.nodeId ?? ownMetrics.data?.server.nodeId;
  const other = nodeId !== null && nodeId !== ownId ? nodeId : null;
  const history = other === null ? ownHistory : clusterHistory.of(other, ownId);
  const answer = other === null ? undefined : cluster.data?.nodes.find((n) => n.id === other);
  const metrics = other === null ? ownMetrics : { data: answer?.ok ? answer.metrics : undefined };
  const visible = usePageVisible();
  // Hidden: read the series as they were when the page was hidden, and stop listening.
  const getSeries = useMemo(() => {
    if (visible) return history.snapshot;
    const frozen = history.snapshot();
    return () => frozen;
  }, [history, visible]);
  const subscribe = useMemo(() => (visible ? history.subscribe : idle), [history, visible]);
  const series = useSyncExternalStore(subscribe, getSeries);

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
      latency: [
        { label: 'p50', values: series.latencyP50, colorVar: '--series-1' },
        { label: 'p95', values: series.latencyP95, colorVar: '--series-2' },
        { label: 'p99', values: series.latencyP99, colorVar: '--series-3' },
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
    <Panel
      title={`Live metrics of ${other ?? ownId ?? 'this node'}`}
      summary={paused ? 'paused while the page is hidden' : other === null ? 'pushed every second' : 'collected by this page’s node every 2 s'}
      className="panel-charts"
      actions={
        onNodeId && cluster.data && cluster.data.nodes.length > 1 ? (
          <label className="chart-node">
            Node{' '}
            <select value={other ?? cluster.data.nodeId} onChange={(e) => onNodeId(e.target.value)} data-testid="chart-node">
              {cluster.data.nodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.id}
                  {n.id === cluster.data.nodeId ? ' (this page)' : ''}
                </option>
              ))}
            </select>
          </label>
        ) : undefined
      }
    >
      {answer && !answer.ok ? (
        <p className="state-error" role="status">
          {other} gives no figures now ({answer.error}); the charts keep what it gave before.
        </p>
      ) : null}
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
        <TimeSeriesChart title="Request latency (HTTP, all routes)" times={series.times} lines={lines.latency} format={formatLatency} paused={paused} />
        <TimeSeriesChart title="Evictions and expirations per second" times={series.times} lines={lines.removals} format={formatRate} paused={paused} />
        <TimeSeriesChart title="Memory" times={series.times} lines={lines.memory} format={formatBytes} paused={paused} />
      </div>
    </Panel>
  );
}
