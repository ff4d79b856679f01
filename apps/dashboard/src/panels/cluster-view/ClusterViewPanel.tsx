import type { ClusterMetricsResponse } from '@meshcache/api-contract';
import { Panel } from '../../components/Panel';
import { QueryState } from '../../components/QueryState';
import { useConnection } from '../../connection/connection-context';
import { CLUSTER_POLL_MS, useClusterMetrics } from '../../connection/queries';
import { formatBytes, formatLatency, formatPercent, formatRate } from '../../format/format';
import { clusterTotals, nodeFigures, type NodeFigures } from './cluster-figures';

interface ClusterViewPanelProps {
  /** the node the live charts show; null for the page's own node */
  chartNode: string | null;
  onChartNode: (nodeId: string) => void;
}

const dash = '—';
const or = <T,>(value: T | null, format: (v: T) => string) => (value === null ? dash : format(value));

/**
 * Every node's figures side by side and the cluster's totals, as the page's node collected them
 * from its peers (each peer answers its own GET /api/metrics). Choosing a node switches the live
 * charts to it in place; every node's chart history is kept meanwhile.
 */
export function ClusterViewPanel({ chartNode, onChartNode }: ClusterViewPanelProps) {
  const { clusterHistory } = useConnection();
  const cluster = useClusterMetrics();

  return (
    <Panel title="Cluster view" summary={`every node's own figures, refreshed every ${CLUSTER_POLL_MS / 1000} s`} className="panel-cluster-view">
      <QueryState query={cluster} what="the cluster's figures" isEmpty={(data: ClusterMetricsResponse) => data.nodes.length === 0} empty={<p>No node answered.</p>}>
        {(data) => {
          const rows = data.nodes.map((node) => nodeFigures(node, clusterHistory.of(node.id, data.nodeId).snapshot()));
          const shown = chartNode ?? data.nodeId;
          return (
            <>
              <Totals rows={rows} />
              <div className="table-scroll">
                <table data-testid="cluster-view-table">
                  <caption className="visually-hidden">Figures of every node</caption>
                  <thead>
                    <tr>
                      <th scope="col">Node</th>
                      <th scope="col">Ops/s</th>
                      <th scope="col" title="Hits of the reads in the latest interval">
                        Hit ratio
                      </th>
                      <th scope="col">Memory (RSS)</th>
                      <th scope="col">Keys</th>
                      <th scope="col" title="Open TCP connections to the node's HTTP port">
                        Connections
                      </th>
                      <th scope="col" title="The node's own operations a peer has not acknowledged yet">
                        Lag (ops)
                      </th>
                      <th scope="col" title="99th percentile of the node's HTTP request latency in the latest interval">
                        p99 latency
                      </th>
                      <th scope="col">Charts</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <NodeFiguresRow key={row.id} row={row} own={row.id === data.nodeId} shown={row.id === shown} onShow={() => onChartNode(row.id)} />
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </QueryState>
    </Panel>
  );
}

function Totals({ rows }: { rows: readonly NodeFigures[] }) {
  const t = clusterTotals(rows);
  return (
    <dl className="stat-tiles" data-testid="cluster-totals">
      <div>
        <dt>Nodes answering</dt>
        <dd>
          {t.answered} of {t.total}
        </dd>
      </div>
      <div>
        <dt>Total ops/s</dt>
        <dd data-testid="total-ops">{or(t.opsPerSecond, formatRate)}</dd>
      </div>
      <div>
        <dt>Hit ratio (all reads)</dt>
        <dd>{or(t.hitRatio, formatPercent)}</dd>
      </div>
      <div>
        <dt>Memory (sum of RSS)</dt>
        <dd>{formatBytes(t.rss)}</dd>
      </div>
      <div>
        <dt title="Every node holds the whole cache once in sync">Keys per node</dt>
        <dd data-testid="total-keys">
          {t.keysMin === null ? dash : t.keysMin === t.keysMax ? t.keysMin.toLocaleString() : `${t.keysMin.toLocaleString()}–${(t.keysMax as number).toLocaleString()}`}
        </dd>
      </div>
    </dl>
  );
}

function NodeFiguresRow({ row, own, shown, onShow }: { row: NodeFigures; own: boolean; shown: boolean; onShow: () => void }) {
  return (
    <tr data-testid={`cluster-view-${row.id}`} aria-current={shown ? 'true' : undefined}>
      <th scope="row">
        <span className="mono">{row.id}</span>
        {own ? <span className="tag">this page</span> : null}
        {row.diskWritable === false ? <span className="tag state-error">disk read-only</span> : null}
      </th>
      {row.error !== null ? (
        <td colSpan={7} className="state-error">
          No figures: {row.error}
        </td>
      ) : (
        <>
          <td>{or(row.opsPerSecond, formatRate)}</td>
          <td>{or(row.hitRatio, formatPercent)}</td>
          <td>{or(row.rss, formatBytes)}</td>
          <td>{or(row.keys, (k) => k.toLocaleString())}</td>
          <td>{or(row.connections, (c) => c.toLocaleString())}</td>
          <td>{or(row.lag, (l) => l.toLocaleString())}</td>
          <td>{or(row.latencyP99, formatLatency)}</td>
        </>
      )}
      <td>
        <button type="button" onClick={onShow} disabled={shown} aria-label={`Show the charts of ${row.id}`}>
          {shown ? 'Shown' : 'Show'}
        </button>
      </td>
    </tr>
  );
}
