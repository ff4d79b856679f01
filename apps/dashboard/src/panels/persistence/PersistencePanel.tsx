import type { PersistenceStatus } from '@meshcache/api-contract';
import { Panel } from '../../components/Panel';
import { useClusterMetrics, useMetrics } from '../../connection/queries';
import { useNow } from '../../connection/use-now';
import { formatAgo, formatBytes } from '../../format/format';

const FSYNC_MEANING: Record<PersistenceStatus['fsync'], string> = {
  always: 'before every write is answered',
  everysec: 'once a second (a crash may lose up to a second)',
  no: 'when the OS decides',
};

interface Row {
  id: string;
  own: boolean;
  /** undefined: the node did not answer; null: it runs without DATA_DIR */
  status: PersistenceStatus | null | undefined;
  error?: string;
}

/**
 * Each node's data directory as it reports it in GET /api/metrics (`server.persistence`): fsync
 * mode, newest snapshot, operation log since it, and whether the disk takes writes.
 */
export function PersistencePanel() {
  const own = useMetrics();
  const cluster = useClusterMetrics();
  const now = useNow(1000);
  const ownId = own.data?.server.nodeId;
  const rows: Row[] = [];
  if (own.data) rows.push({ id: own.data.server.nodeId, own: true, status: own.data.server.persistence });
  for (const node of cluster.data?.nodes ?? []) {
    if (node.id === ownId || node.id === cluster.data?.nodeId) continue;
    rows.push(node.ok ? { id: node.id, own: false, status: node.metrics.server.persistence } : { id: node.id, own: false, status: undefined, error: node.error });
  }

  return (
    <Panel title="Persistence" summary="each node's data directory (DATA_DIR)" className="panel-persistence">
      {rows.length === 0 ? (
        <p className="muted">Waiting for the node's metrics…</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="persistence-table">
            <caption className="visually-hidden">Persistence of every node</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Disk</th>
                <th scope="col">fsync</th>
                <th scope="col">Last snapshot</th>
                <th scope="col">Operation log since</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid={`persistence-${row.id}`}>
                  <th scope="row">
                    <span className="mono">{row.id}</span>
                    {row.own ? <span className="tag">this page</span> : null}
                  </th>
                  <PersistenceCells row={row} now={now} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function PersistenceCells({ row, now }: { row: Row; now: number }) {
  const s = row.status;
  if (s === undefined) return <td colSpan={4} className="muted">{row.error ? `No answer: ${row.error}` : 'This node does not report persistence (older version).'}</td>;
  if (s === null) return <td colSpan={4}>In memory only (no DATA_DIR): a restart starts empty or from peers.</td>;
  return (
    <>
      <td data-testid="disk-state">
        {s.disk.writable ? (
          <span className="summary-ok">writable</span>
        ) : (
          <span className="state-error">
            read-only since {formatAgo(s.disk.since, now)}: {s.disk.fault?.code ?? 'write refused'}
            {s.disk.fault ? ` (${s.disk.fault.message})` : ''}; writes answer 507
          </span>
        )}
      </td>
      <td>
        {s.fsync} <span className="muted small">{FSYNC_MEANING[s.fsync]}</span>
      </td>
      <td>{s.lastSnapshotAt === null ? 'none yet' : formatAgo(s.lastSnapshotAt, now)}</td>
      <td>
        {formatBytes(s.opLogBytes)} <span className="muted">({s.opLogRecords.toLocaleString()} operations)</span>
      </td>
    </>
  );
}
