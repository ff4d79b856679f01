import type { KeyEntry, ListKeysResponse } from '@meshcache/api-contract';
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Panel } from '../../components/Panel';
import { QueryState } from '../../components/QueryState';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import { KEY_PAGE_SIZE, useKeyPage } from '../../connection/queries';
import { useNow } from '../../connection/use-now';
import { formatAgo, formatBytes, formatDuration } from '../../format/format';
import { BulkImportForm } from './BulkImportForm';
import { ClearCacheControl } from './ClearCacheControl';
import { SetKeyForm } from './SetKeyForm';
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
        isEmpty={(data: ListKeysResponse) => data.items.length === 0}
        empty={<p>{prefix ? `No key starts with “${prefix}”.` : 'The cache is empty. Set a key or import JSON below.'}</p>}
      >
        {(data) => <KeyTable items={data.items} now={now} busy={page.isFetching} />}
      </QueryState>
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

function KeyTable({ items, now, busy }: { items: KeyEntry[]; now: number; busy: boolean }) {
  const { client } = useConnection();
  const remove = useMutation({ mutationFn: (key: string) => unwrap(client.deleteItem({ key })) });
  return (
    <div className="table-scroll key-scroll" aria-busy={busy}>
      <ErrorAlert error={remove.error} />
      <table className="key-table">
        <caption className="visually-hidden">Keys on this page</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
            <th scope="col">Size</th>
            <th scope="col">TTL left</th>
            <th scope="col">Accesses</th>
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
                <button
                  type="button"
                  className="danger small"
                  onClick={() => remove.mutate(item.key)}
                  disabled={remove.isPending && remove.variables === item.key}
                  aria-label={`Delete ${item.key}`}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
