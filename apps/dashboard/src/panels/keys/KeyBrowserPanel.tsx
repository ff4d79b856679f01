import type { KeyEntry, ListKeysResponse } from '@meshcache/api-contract';
import { useEffect, useId, useState } from 'react';
import { Panel } from '../../components/Panel';
import { QueryState } from '../../components/QueryState';
import { useConnection } from '../../connection/connection-context';
import { KEY_PAGE_SIZE, useKeyPage } from '../../connection/queries';
import { queryKeys } from '../../connection/query-keys';
import { useNow } from '../../connection/use-now';
import { formatAgo, formatBytes, formatDuration } from '../../format/format';
import { BulkImportForm } from './BulkImportForm';
import { ClearCacheControl } from './ClearCacheControl';
import { DeleteKeyControl, type RemovedKey } from './DeleteKeyControl';
import { DeleteMatchingControl } from './DeleteMatchingControl';
import { KeyDetail } from './KeyDetail';
import { SetKeyForm } from './SetKeyForm';
import { KEY_ORDER, nextOrder, sortKeys, type SortColumn, type SortOrder } from './sort-keys';
import { UndoDeleteNotice } from './UndoDeleteNotice';
import { useDebouncedValue } from './use-debounced-value';

/**
 * Keys page by page in key order, narrowed by prefix and/or a glob. The server pages its sorted
 * key index (a glob walks at most MAX_PATTERN_SCAN keys per request), so this stays quick at a
 * million keys; the page never asks for more than one page at a time. Sorting by a column sorts
 * the page shown.
 */
export function KeyBrowserPanel() {
  const [search, setSearch] = useState('');
  const [glob, setGlob] = useState('');
  const prefix = useDebouncedValue(search, 250);
  const pattern = useDebouncedValue(glob, 250);
  // Cursors of the pages before the current one, so "Previous" needs no server support.
  const [trail, setTrail] = useState<{ filter: string; cursors: (string | null)[] }>({ filter: '\u0000', cursors: [null] });
  const filter = `${prefix}\u0000${pattern}`;
  const cursors = trail.filter === filter ? trail.cursors : [null];
  const cursor = cursors[cursors.length - 1];
  const page = useKeyPage(prefix, cursor, pattern);
  const searchId = useId();
  const globId = useId();
  const [order, setOrder] = useState<SortOrder>(KEY_ORDER);
  const [opened, setOpened] = useState<string | null>(null);
  const now = useNow(1000);
  const [removed, setRemoved] = useState<RemovedKey | null>(null);
  const { queries } = useConnection();
  // Expiry is lazy on the node, so no delta announces it: a row whose TTL ran out is hidden at
  // once and the page fetched again to fill its place.
  const expired = page.data?.items.some((item) => isExpired(item, now)) ?? false;
  useEffect(() => {
    if (expired) void queries.invalidateQueries({ queryKey: queryKeys.keyPage(prefix, cursor, pattern), exact: true });
  }, [expired, queries, prefix, cursor, pattern]);

  const next = page.data?.nextCursor;
  const pageNumber = cursors.length;

  return (
    <Panel
      title="Keys"
      summary={page.data ? <span data-testid="key-count">{describeCount(page.data, pattern)}</span> : undefined}
      className="panel-keys"
      actions={pattern ? undefined : <ClearCacheControl totalKeys={page.data?.totalKeys} />}
    >
      <div className="key-search" role="search">
        <label htmlFor={searchId}>Search by key prefix</label>
        <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. user:" autoComplete="off" />
        <label htmlFor={globId}>Filter by glob</label>
        <input id={globId} type="search" value={glob} onChange={(e) => setGlob(e.target.value)} placeholder="e.g. user:*:name, h?llo, [ab]*" autoComplete="off" />
      </div>
      {pattern ? <DeleteMatchingControl key={pattern} pattern={pattern} matches={page.data?.totalKeys} atLeast={page.data?.totalIsLowerBound ?? false} /> : null}
      <QueryState
        query={page}
        what="keys"
        isEmpty={(data: ListKeysResponse) => !data.items.some((item) => !isExpired(item, now))}
        empty={<p>{emptyText(prefix, pattern)}</p>}
      >
        {(data) => (
          <KeyTable
            items={sortKeys(
              data.items.filter((item) => !isExpired(item, now)),
              order,
            )}
            now={now}
            busy={page.isFetching}
            onDeleted={setRemoved}
            order={order}
            onSort={(column) => setOrder((current) => nextOrder(current, column))}
            onOpen={setOpened}
          />
        )}
      </QueryState>
      {opened !== null && page.data?.items.some((i) => i.key === opened) ? (
        <KeyDetail key={opened} entry={page.data.items.find((i) => i.key === opened) as KeyEntry} onClose={() => setOpened(null)} />
      ) : null}
      <UndoDeleteNotice key={removed?.key} removed={removed} onDone={() => setRemoved(null)} />
      <nav className="pager" aria-label="Key pages">
        <button type="button" disabled={pageNumber === 1} onClick={() => setTrail({ filter, cursors: cursors.slice(0, -1) })}>
          Previous
        </button>
        <span>
          Page {pageNumber}
          {page.data ? ` · ${page.data.items.length} of at most ${KEY_PAGE_SIZE}` : ''}
          {order === KEY_ORDER ? '' : ` · this page sorted by ${SORT_LABELS[order.column]}`}
        </span>
        <button type="button" disabled={!next} onClick={() => next && setTrail({ filter, cursors: [...cursors, next] })}>
          Next
        </button>
      </nav>
      <details className="key-forms" open>
        <summary>Set a key</summary>
        <SetKeyForm />
      </details>
      <details className="key-forms">
        <summary>Bulk import JSON</summary>
        <BulkImportForm />
      </details>
    </Panel>
  );
}

const SORT_LABELS: Record<SortColumn, string> = { key: 'key', bytes: 'size', ttl: 'TTL left', accessCount: 'reads + writes', updatedAt: 'written' };

const isExpired = (item: KeyEntry, now: number) => item.expiresAt !== null && item.expiresAt <= now;

const describeCount = (data: ListKeysResponse, pattern: string) =>
  pattern
    ? `${data.totalIsLowerBound ? 'at least ' : ''}${data.totalKeys.toLocaleString()} key${data.totalKeys === 1 ? '' : 's'} match ${pattern}`
    : `${data.totalKeys.toLocaleString()} keys in the cache`;

const emptyText = (prefix: string, pattern: string) => {
  if (pattern) return `No key${prefix ? ` starting with “${prefix}”` : ''} matches ${pattern} (among the keys looked at).`;
  return prefix ? `No key starts with “${prefix}”.` : 'The cache is empty. Set a key or import JSON below.';
};

interface KeyTableProps {
  items: KeyEntry[];
  now: number;
  busy: boolean;
  onDeleted: (removed: RemovedKey | null) => void;
  order: SortOrder;
  onSort: (column: SortColumn) => void;
  onOpen: (key: string) => void;
}

/** A column header that sorts the page by its column; `aria-sort` says the current order. */
function SortHeader({ column, order, onSort, children, title }: { column: SortColumn; order: SortOrder; onSort: (column: SortColumn) => void; children: string; title?: string }) {
  const active = order.column === column;
  return (
    <th scope="col" aria-sort={active ? (order.descending ? 'descending' : 'ascending') : 'none'} title={title}>
      <button type="button" className="sort-button" onClick={() => onSort(column)} aria-label={`Sort this page by ${children}`}>
        {children}
        {active ? (order.descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}

function KeyTable({ items, now, busy, onDeleted, order, onSort, onOpen }: KeyTableProps) {
  return (
    <div className="table-scroll key-scroll" aria-busy={busy}>
      <table className="key-table">
        <caption className="visually-hidden">Keys on this page</caption>
        <thead>
          <tr>
            <SortHeader column="key" order={order} onSort={onSort}>
              Key
            </SortHeader>
            <th scope="col">Value</th>
            <SortHeader column="bytes" order={order} onSort={onSort}>
              Size
            </SortHeader>
            <SortHeader column="ttl" order={order} onSort={onSort}>
              TTL left
            </SortHeader>
            <SortHeader column="accessCount" order={order} onSort={onSort} title="Reads and writes of the key on this node since it was stored here">
              Reads + writes
            </SortHeader>
            <SortHeader column="updatedAt" order={order} onSort={onSort}>
              Written
            </SortHeader>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.key} data-testid="key-row">
              <th scope="row" className="mono truncate" title={item.key}>
                <button type="button" className="link-button" onClick={() => onOpen(item.key)} title={`Open ${item.key}: whole value, version, TTL, edit`}>
                  {item.key}
                </button>
              </th>
              <td className="mono truncate" title={item.preview}>
                {item.preview}
              </td>
              <td>{formatBytes(item.bytes)}</td>
              <td>{item.expiresAt === null ? 'none' : formatDuration(Math.max(0, item.expiresAt - now))}</td>
              <td>{item.accessCount.toLocaleString()}</td>
              <td>{formatAgo(item.updatedAt, now)}</td>
              <td>
                <DeleteKeyControl keyName={item.key} onDeleted={onDeleted} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
