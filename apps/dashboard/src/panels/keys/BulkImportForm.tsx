import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import { parseBulkInput } from './parse-input';

const EXAMPLE = '[{"key": "user:1", "value": {"name": "Ada"}, "ttlMs": 60000}]';

/** Imports many keys from pasted JSON; the server applies the valid items and lists the bad ones. */
export function BulkImportForm() {
  const { client } = useConnection();
  const [text, setText] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const textId = useId();
  const hintId = useId();

  const importItems = useMutation({ mutationFn: (items: unknown[]) => unwrap(client.bulkSet({ items })) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseBulkInput(text);
    if (!parsed.ok) {
      setInputError(parsed.message);
      return;
    }
    setInputError(null);
    importItems.mutate(parsed.items);
  };

  const result = importItems.data;
  return (
    <form className="bulk-form" onSubmit={submit} aria-label="Bulk import">
      <label htmlFor={textId}>JSON to import</label>
      <textarea
        id={textId}
        rows={4}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={EXAMPLE}
        aria-describedby={hintId}
        aria-invalid={inputError ? true : undefined}
        spellCheck={false}
      />
      <p id={hintId} className="muted">
        An array of {'{key, value, ttlMs?}'}, or an object mapping keys to values.
      </p>
      <button type="submit" disabled={importItems.isPending || text.trim() === ''}>
        {importItems.isPending ? 'Importing…' : 'Import'}
      </button>
      <div role="status" aria-live="polite">
        {result ? (
          <>
            <p>
              Imported {result.successCount} of {result.totalCount} items.
            </p>
            {result.failed.length ? (
              <ul className="state-error">
                {result.failed.slice(0, 20).map((f) => (
                  <li key={f.index}>
                    Item {f.index + 1}
                    {f.key !== undefined ? ` (${f.key})` : ''}: {f.message}
                  </li>
                ))}
                {result.failed.length > 20 ? <li>…and {result.failed.length - 20} more</li> : null}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
      <ErrorAlert error={inputError ?? importItems.error} />
    </form>
  );
}
