import type { HealthProblem, NodeInfo, NodeListUpdateEvent } from '@meshcache/api-contract';
import { Panel } from '../../components/Panel';
import { QueryState } from '../../components/QueryState';
import { useConnection } from '../../connection/connection-context';
import { useMetrics, useNodes } from '../../connection/queries';
import { useSocketStatus } from '../../connection/socket-status';
import { useNow } from '../../connection/use-now';
import { formatAgo } from '../../format/format';
import { NodeStateBadge } from './NodeStateBadge';
import { describeProgress, opsBehind, summarizeCluster } from './summarize-cluster';

const NO_PROBLEMS: HealthProblem[] = [];

/** The page's node first, then the others by id: rows stay put when nodes reconnect. */
const inStableOrder = (list: NodeListUpdateEvent) =>
  [...list.nodes].sort((a, b) => Number(isCurrent(b, list)) - Number(isCurrent(a, list)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const isCurrent = (node: NodeInfo, list: NodeListUpdateEvent) => node.self || node.id === list.currentNode;

/**
 * Every node with its state, strategy, fill and how far behind it is, as the connected node sees
 * the cluster, under a verdict that never claims more than the page knows.
 */
export function ClusterPanel() {
  const { socket } = useConnection();
  const live = useSocketStatus(socket).kind === 'connected';
  const nodes = useNodes();
  const metrics = useMetrics();
  const now = useNow(1000);
  const problems = metrics.data?.server.problems ?? NO_PROBLEMS;
  const summary = nodes.data
    ? summarizeCluster({ nodes: nodes.data.nodes, live, currentNode: nodes.data.currentNode, syncEnabled: metrics.data?.sync.syncEnabled, problems })
    : undefined;

  return (
    <Panel
      title="Cluster"
      summary={
        summary ? (
          <span data-testid="cluster-summary" data-tone={summary.tone} className={`summary-${summary.tone}`}>
            {summary.text}
          </span>
        ) : undefined
      }
      className="panel-cluster"
    >
      {problems.length > 0 ? <ProblemList problems={problems} now={now} /> : null}
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
                  <th scope="col" title="Operations the node had not applied at its last report, of those the page's node has">
                    Ops behind
                  </th>
                  <th scope="col">Last seen</th>
                  <th scope="col">
                    <span className="visually-hidden">Switch</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {inStableOrder(data).map((node) => (
                  <NodeRow key={node.id} node={node} isCurrent={isCurrent(node, data)} live={live} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

function ProblemList({ problems, now }: { problems: readonly HealthProblem[]; now: number }) {
  return (
    <ul className="problem-list" aria-label="Problems the node reports" data-testid="problems">
      {problems.map((p) => (
        <li key={`${p.code}:${p.peer ?? ''}`} data-code={p.code}>
          <strong>{problemTitle(p.code)}</strong>
          {p.peer ? <span className="mono"> {p.peer}</span> : null}: {p.message} <span className="muted">(since {formatAgo(p.since, now)})</span>
        </li>
      ))}
    </ul>
  );
}

/** `peer-refused-secret` → "Peer refused secret": the code stays recognisable, in words. */
const problemTitle = (code: string) => code.charAt(0).toUpperCase() + code.slice(1).replaceAll('-', ' ');

function NodeRow({ node, isCurrent, live, now }: { node: NodeInfo; isCurrent: boolean; live: boolean; now: number }) {
  const progress = describeProgress(node);
  return (
    <tr data-testid={`node-${node.id}`} data-state={node.state} aria-current={isCurrent ? 'true' : undefined}>
      <th scope="row">
        <span className="mono">{node.id}</span>
        {isCurrent ? <span className="tag">this page</span> : null}
      </th>
      <td className="mono">{node.url ?? '—'}</td>
      <td>
        {isCurrent && !live ? <NodeStateBadge state="down" label="not connected" /> : <NodeStateBadge state={node.state} />}
        {progress && node.snapshot ? (
          <div className="muted small" data-testid="node-progress">
            {progress}
          </div>
        ) : null}
        {node.problem ? <div className="state-error small">{node.problem.message}</div> : null}
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
      <td data-testid="ops-behind">{opsBehind(node).toLocaleString()}</td>
      <td>{isCurrent ? (live ? 'now' : 'not connected') : node.lastSeen === null ? 'never' : formatAgo(node.lastSeen, now)}</td>
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
