import type { SyncHistoryEntry } from '@meshcache/api-contract';
import { useEffect, useId, useMemo, useState } from 'react';
import { Panel } from '../../components/Panel';
import { QueryState } from '../../components/QueryState';
import { HISTORY_LIMIT, useMetrics, useSyncHistory } from '../../connection/queries';
import { formatTime } from '../../format/format';
import { EVENT_LOG_LIMIT, EventLogStore } from './event-log';

const ALL = '';
const NODE_HISTORY = 'node';
const EVENT_LOG = 'log';

const browserStorage = (): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
};

/** What an entry did, in a few words: `3 ops`, `set user:1`, `412 keys`. */
function describeEntry(e: SyncHistoryEntry): string {
  const parts: string[] = [];
  if (e.op) parts.push(e.key === undefined ? e.op : `${e.op} ${e.key}`);
  else if (e.key !== undefined) parts.push(e.key);
  if (e.count !== undefined && !(e.op && e.count === 1)) parts.push(`${e.count.toLocaleString()} ${e.type.includes('sync') ? 'keys' : 'ops'}`);
  if (e.message) parts.push(e.message);
  return parts.join(' · ');
}

/**
 * Replication events of the connected node, newest first, filterable by peer and by type: either
 * the node's recent history as it answers it, or the event log this browser keeps in
 * localStorage (peer changes, resyncs, refusals, control changes; no operation batches), which
 * survives a reload and write traffic.
 */
export function SyncHistoryPanel() {
  const history = useSyncHistory();
  const nodeId = useMetrics().data?.server.nodeId;
  const [peer, setPeer] = useState(ALL);
  const [type, setType] = useState(ALL);
  const [source, setSource] = useState(NODE_HISTORY);
  const store = useMemo(() => new EventLogStore(browserStorage()), []);
  const [log, setLog] = useState<SyncHistoryEntry[] | undefined>(undefined);
  useEffect(() => {
    if (nodeId !== undefined) setLog(store.record(nodeId, history.data?.history ?? []));
  }, [store, nodeId, history.data]);

  const entries = source === EVENT_LOG ? log : history.data?.history;
  const { peers, types } = useMemo(() => {
    const all = entries ?? [];
    return {
      peers: [...new Set(all.flatMap((e) => (e.peer === undefined ? [] : [e.peer])))].sort(),
      types: [...new Set(all.map((e) => e.type))].sort(),
    };
  }, [entries]);
  const shown = useMemo(
    () =>
      (entries ?? [])
        .filter((e) => (peer === ALL || e.peer === peer) && (type === ALL || e.type === type))
        .sort((a, b) => b.timestamp - a.timestamp),
    [entries, peer, type],
  );

  return (
    <Panel
      title="Sync history"
      summary={source === EVENT_LOG ? `kept in this browser (localStorage, last ${EVENT_LOG_LIMIT}), newest first` : 'newest first'}
      className="panel-history"
      actions={
        <>
          <FilterSelect label="Show" options={[]} value={source} onChange={setSource} choices={{ [NODE_HISTORY]: "node's recent history", [EVENT_LOG]: 'event log' }} />
          <FilterSelect label="Node" all="all nodes" options={peers} value={peer} onChange={setPeer} />
          <FilterSelect label="Type" all="all types" options={types} value={type} onChange={setType} />
        </>
      }
    >
      <QueryState
        query={history}
        what="the sync history"
        isEmpty={() => shown.length === 0}
        empty={<p>{entries?.length ? 'No event matches these filters.' : 'No replication events yet: writes and peer changes show up here.'}</p>}
      >
        {() => (
          <div className="table-scroll history-scroll">
            <table>
              <caption className="visually-hidden">Replication events, newest first (at most {HISTORY_LIMIT})</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Type</th>
                  <th scope="col">Node</th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => (
                  <HistoryRow key={e.id} entry={e} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

function HistoryRow({ entry: e }: { entry: SyncHistoryEntry }) {
  const what = describeEntry(e);
  return (
    <tr data-testid="history-row">
      <td className="mono">{formatTime(e.timestamp)}</td>
      <td>
        <span className="tag">{e.type}</span>
      </td>
      <td className="mono">{e.peer ?? '—'}</td>
      <td className="truncate" title={what}>
        {what}
      </td>
    </tr>
  );
}

/** One of the panel's filters: a labelled choice between everything and one value. */
function FilterSelect(props: {
  label: string;
  all?: string;
  options: readonly string[];
  value: string;
  onChange: (value: string) => void;
  /** fixed choices (value → label) instead of "all" plus the options */
  choices?: Record<string, string>;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.choices ? (
          Object.entries(props.choices).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))
        ) : (
          <option value={ALL}>{props.all}</option>
        )}
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </>
  );
}
