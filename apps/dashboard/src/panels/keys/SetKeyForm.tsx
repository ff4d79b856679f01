import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import { parseValueInput } from './parse-input';

/** Writes one key (optionally with a TTL); the key browser learns of it through the socket. */
export function SetKeyForm() {
  const { client } = useConnection();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [ttlSeconds, setTtlSeconds] = useState('');
  const ids = { key: useId(), value: useId(), ttl: useId() };

  const write = useMutation({
    mutationFn: (input: { key: string; value: string; ttl: string }) =>
      unwrap(
        client.setItem({
          key: input.key,
          value: parseValueInput(input.value),
          ttlMs: input.ttl ? Math.round(Number(input.ttl) * 1000) : undefined,
        }),
      ),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    write.mutate({ key, value, ttl: ttlSeconds.trim() });
  };

  return (
    <form className="set-form" onSubmit={submit} aria-label="Set a key">
      <div className="field">
        <label htmlFor={ids.key}>Key</label>
        <input id={ids.key} value={key} onChange={(e) => setKey(e.target.value)} required autoComplete="off" />
      </div>
      <div className="field grow">
        <label htmlFor={ids.value}>Value (JSON or text)</label>
        <input id={ids.value} value={value} onChange={(e) => setValue(e.target.value)} required autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={ids.ttl}>TTL in seconds (optional)</label>
        <input id={ids.ttl} type="number" min="0.001" step="any" inputMode="decimal" value={ttlSeconds} onChange={(e) => setTtlSeconds(e.target.value)} />
      </div>
      <button type="submit" className="primary" disabled={write.isPending}>
        Set
      </button>
      <p role="status" aria-live="polite" className="form-result">
        {write.isSuccess ? `Saved ${write.data.key}.` : ''}
      </p>
      <ErrorAlert error={write.error} className="form-result" />
    </form>
  );
}
