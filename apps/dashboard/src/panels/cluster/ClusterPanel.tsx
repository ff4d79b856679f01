import type { NodeInfo, NodeListUpdateEvent } from '@meshcache/api-contract';
import { Panel } from '../../components/Panel';
import { QueryState } from '../../components/QueryState';
import { useNodes } from '../../connection/queries';
import { useNow } from '../../connection/use-now';
import { formatAgo } from '../../format/format';
import { NodeStateBadge } from './NodeStateBadge';
import { summarizeCluster } from './summarize-cluster';

/** Every node with its state, strategy, fill and lag, as the connected node sees the cluster. */
export function ClusterPanel() {
  const nodes = useNodes();
  const now = useNow(1000);
  const summary = nodes.data ? summarizeCluster(nodes.data.nodes) : undefined;

  return (
    <Panel title="Cluster" summary={summary?.text} className="panel-cluster">
      <QueryState
        query={nodes}
        what="the node list"
        isEmpty={(data: NodeListUpdateEvent) => data.nodes.length === 0}
        empty={<p>The node reports no cluster members yet.</p>}
      >
        {(data) => (
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Cluster nodes</caption>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Address</th>
                  <th scope="col">State</th>
                  <th scope="col">Strategy</th>
                  <th scope="col">Keys / capacity</th>
                  <th scope="col">Ops behind</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">
                    <span className="visually-hidden">Switch</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.nodes.map((node) => (
                  <NodeRow key={node.id} node={node} isCurrent={node.self || node.id === data.currentNode} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

function NodeRow({ node, isCurrent, now }: { node: NodeInfo; isCurrent: boolean; now: number }) {
  return (
    <tr data-testid={`node-${node.id}`} data-state={node.state} aria-current={isCurrent ? 'true' : undefined}>
      <th scope="row">
        <span className="mono">{node.id}</span>
        {isCurrent ? <span className="tag">this page</span> : null}
      </th>
      <td className="mono">{node.url ?? '—'}</td>
      <td>
        <NodeStateBadge state={node.state} />
      </td>
      <td>{node.strategy ?? '—'}</td>
      <td>
        {node.size === null ? (
          '—'
        ) : (
          <>
            {node.size.toLocaleString()}
            {node.capacity ? (
              <>
                {' / '}
                {node.capacity.toLocaleString()}{' '}
                <meter min={0} max={node.capacity} value={node.size} aria-label={`${node.id} fill`} />
              </>
            ) : null}
          </>
        )}
      </td>
      <td>{node.lag.toLocaleString()}</td>
      <td>{isCurrent ? 'now' : node.lastSeen === null ? 'never' : formatAgo(node.lastSeen, now)}</td>
      <td>
        {!isCurrent && node.url ? (
          <a href={`${node.url.replace(/\/+$/, '')}/`} aria-label={`Open the dashboard of ${node.id}`}>
            Switch
          </a>
        ) : null}
      </td>
    </tr>
  );
}
