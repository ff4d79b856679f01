import type { KeyEntry } from '@meshcache/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { QueryState } from '../../components/QueryState';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import { queryKeys } from '../../connection/query-keys';
import { useNow } from '../../connection/use-now';
import { formatAgo, formatBytes, formatDuration } from '../../format/format';
import { parseValueInput } from './parse-input';

/** Seconds left, rounded up, for the TTL field; '' for a key without a TTL. */
const ttlField = (expiresAt: number | null, now: number) => (expiresAt === null ? '' : String(Math.max(1, Math.ceil((expiresAt - now) / 1000))));

/**
 * One key whole: its value as indented JSON, version, size and TTL, with an editor for the value
 * and the TTL. Saving is an ordinary replicated write (last writer wins), so the version shown
 * after it is the write's own.
 */
export function KeyDetail({ entry, onClose }: { entry: KeyEntry; onClose: () => void }) {
  const { client } = useConnection();
  const queries = useQueryClient();
  const now = useNow(1000);
  const item = useQuery({ queryKey: queryKeys.item(entry.key), queryFn: () => unwrap(client.getItem({ key: entry.key })) });
  const [editing, setEditing] = useState<{ value: string; ttl: string } | null>(null);
  const ids = { value: useId(), ttl: useId(), heading: useId() };
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [entry.key]);

  const save = useMutation({
    mutationFn: (input: { value: string; ttl: string }) =>
      unwrap(client.setItem({ key: entry.key, value: parseValueInput(input.value), ttlMs: input.ttl ? Math.round(Number(input.ttl) * 1000) : undefined })),
    onSuccess: () => {
      setEditing(null);
      // The form that held the focus is gone: keep it in the detail (Escape still closes it).
      closeRef.current?.focus();
      void queries.invalidateQueries({ queryKey: queryKeys.item(entry.key) });
      void queries.invalidateQueries({ queryKey: queryKeys.allKeyPages });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (editing) save.mutate({ value: editing.value, ttl: editing.ttl.trim() });
  };

  return (
    <section
      className="key-detail"
      aria-labelledby={ids.heading}
      data-testid="key-detail"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="panel-header">
        <h3 id={ids.heading}>
          Key <span className="mono">{entry.key}</span>
        </h3>
        <button type="button" ref={closeRef} onClick={onClose}>
          Close
        </button>
      </header>
      <QueryState query={item} what={`the key ${entry.key}`} isEmpty={() => false} empty={null}>
        {(data) => {
          const v = data.value;
          return (
            <>
              <dl className="key-facts">
                <div>
                  <dt>Version</dt>
                  <dd className="mono" data-testid="key-version">
                    {v.version}
                  </dd>
                </div>
                <div>
                  <dt title="What the entry counts against CACHE_MAX_BYTES: UTF-8 bytes of key and JSON value">Size</dt>
                  <dd>{formatBytes(entry.bytes)}</dd>
                </div>
                <div>
                  <dt>TTL left</dt>
                  <dd data-testid="key-ttl">{v.expiresAt === null ? 'none' : formatDuration(Math.max(0, v.expiresAt - now))}</dd>
                </div>
                <div>
                  <dt>Written</dt>
                  <dd>{formatAgo(v.updatedAt, now)}</dd>
                </div>
              </dl>
              {editing === null ? (
                <>
                  <pre className="key-value mono" data-testid="key-value">
                    {JSON.stringify(v.value, null, 2)}
                  </pre>
                  <button type="button" onClick={() => setEditing({ value: JSON.stringify(v.value, null, 2), ttl: ttlField(v.expiresAt, Date.now()) })}>
                    Edit value or TTL
                  </button>
                  {save.isSuccess ? (
                    <span role="status" className="muted">
                      {' '}
                      Saved on this node and replicated (version {save.data.version}).
                    </span>
                  ) : null}
                </>
              ) : (
                <form className="key-edit" onSubmit={submit} aria-label={`Edit ${entry.key}`}>
                  <label htmlFor={ids.value}>Value (JSON, or text)</label>
                  <textarea id={ids.value} rows={8} className="mono" value={editing.value} onChange={(e) => setEditing({ ...editing, value: e.target.value })} />
                  <label htmlFor={ids.ttl}>TTL in seconds from now (empty: no TTL)</label>
                  <input id={ids.ttl} type="number" min="0.001" step="any" inputMode="decimal" value={editing.ttl} onChange={(e) => setEditing({ ...editing, ttl: e.target.value })} />
                  <div>
                    <button type="submit" className="primary" disabled={save.isPending}>
                      {save.isPending ? 'Saving…' : 'Save'}
                    </button>{' '}
                    <button type="button" onClick={() => setEditing(null)}>
                      Cancel
                    </button>
                  </div>
                  <p className="muted small">Saving writes the key again on every node; a concurrent later write elsewhere wins.</p>
                </form>
              )}
              <ErrorAlert error={save.error} />
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
