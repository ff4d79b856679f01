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
import { SetKeyForm } from './SetKeyForm';
import { UndoDeleteNotice } from './UndoDeleteNotice';
import { useDebouncedValue } from './use-debounced-value';

/**
 * Keys page by page in key order, narrowed by prefix. The server walks its keys with a bounded
 * heap per page, so this stays quick at a million keys; the page never asks for more than one
 * page at a time.
 */
export function KeyBrowserPanel() {
  const [search, setSearch] = useState('');
  const prefix = useDebouncedValue(search, 250);
  // Cursors of the pages before the current one, so "Previous" needs no server support.
  const [trail, setTrail] = useState<{ prefix: string; cursors: (string | null)[] }>({ prefix: '', cursors: [null] });
  const cursors = trail.prefix === prefix ? trail.cursors : [null];
  const cursor = cursors[cursors.length - 1];
  const page = useKeyPage(prefix, cursor);
  const searchId = useId();
  const now = useNow(1000);
  const [removed, setRemoved] = useState<RemovedKey | null>(null);
  const { queries } = useConnection();
  // Expiry is lazy on the node, so no delta announces it: a row whose TTL ran out is hidden at
  // once and the page fetched again to fill its place.
  const expired = page.data?.items.some((item) => isExpired(item, now)) ?? false;
  useEffect(() => {
    if (expired) void queries.invalidateQueries({ queryKey: queryKeys.keyPage(prefix, cursor), exact: true });
  }, [expired, queries, prefix, cursor]);

  const next = page.data?.nextCursor;
  const pageNumber = cursors.length;

  return (
    <Panel
      title="Keys"
      summary={page.data ? `${page.data.totalKeys.toLocaleString()} keys in the cache` : undefined}
      className="panel-keys"
      actions={<ClearCacheControl totalKeys={page.data?.totalKeys} />}
    >
      <div className="key-search" role="search">
        <label htmlFor={searchId}>Search by key prefix</label>
        <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. user:" autoComplete="off" />
      </div>
      <QueryState
        query={page}
        what="keys"
        isEmpty={(data: ListKeysResponse) => !data.items.some((item) => !isExpired(item, now))}
        empty={<p>{prefix ? `No key starts with “${prefix}”.` : 'The cache is empty. Set a key or import JSON below.'}</p>}
      >
        {(data) => <KeyTable items={data.items.filter((item) => !isExpired(item, now))} now={now} busy={page.isFetching} onDeleted={setRemoved} />}
      </QueryState>
      <UndoDeleteNotice key={removed?.key} removed={removed} onDone={() => setRemoved(null)} />
      <nav className="pager" aria-label="Key pages">
        <button type="button" disabled={pageNumber === 1} onClick={() => setTrail({ prefix, cursors: cursors.slice(0, -1) })}>
          Previous
        </button>
        <span>
          Page {pageNumber}
          {page.data ? ` · ${page.data.items.length} of at most ${KEY_PAGE_SIZE}` : ''}
        </span>
        <button type="button" disabled={!next} onClick={() => next && setTrail({ prefix, cursors: [...cursors, next] })}>
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

const isExpired = (item: KeyEntry, now: number) => item.expiresAt !== null && item.expiresAt <= now;

function KeyTable({ items, now, busy, onDeleted }: { items: KeyEntry[]; now: number; busy: boolean; onDeleted: (removed: RemovedKey | null) => void }) {
  return (
    <div className="table-scroll key-scroll" aria-busy={busy}>
      <table className="key-table">
        <caption className="visually-hidden">Keys on this page</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
            <th scope="col">Size</th>
            <th scope="col">TTL left</th>
            <th scope="col" title="Reads and writes of the key on this node since it was stored here">
              Reads + writes
            </th>
            <th scope="col">Written</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.key} data-testid="key-row">
              <th scope="row" className="mono truncate" title={item.key}>
                {item.key}
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
