import type { JsonValue } from '@meshcache/api-contract';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';

export interface RemovedKey {
  key: string;
  value: JsonValue;
  /** what was left of the TTL when it was deleted; undefined for a key without one */
  ttlMs: number | undefined;
}

/**
 * Deleting a key is replicated to every node, so it asks first. The value is read just before
 * the delete and handed to `onDeleted`, so the panel can offer an undo after the row is gone.
 */
export function DeleteKeyControl({ keyName, onDeleted }: { keyName: string; onDeleted: (removed: RemovedKey | null) => void }) {
  const { client } = useConnection();
  const [step, setStep] = useState<'idle' | 'confirm'>('idle');
  const cancelRef = useRef<HTMLButtonElement>(null);
  const remove = useMutation({
    mutationFn: async (): Promise<RemovedKey | null> => {
      const read = await client.getItem({ key: keyName });
      await unwrap(client.deleteItem({ key: keyName }));
      if (!read.ok) return null;
      const { value, expiresAt } = read.data.value;
      return { key: keyName, value, ttlMs: expiresAt === null ? undefined : Math.max(1, expiresAt - Date.now()) };
    },
    onSuccess: (removed) => {
      setStep('idle');
      onDeleted(removed);
    },
  });

  useEffect(() => {
    if (step === 'confirm') cancelRef.current?.focus();
  }, [step]);

  if (step === 'confirm') {
    return (
      <span
        role="group"
        aria-label={`Confirm deleting ${keyName}`}
        className="row-confirm"
        onKeyDown={(e) => {
          if (e.key === 'Escape') setStep('idle');
        }}
      >
        <button type="button" className="danger small" onClick={() => remove.mutate()} disabled={remove.isPending}>
          {remove.isPending ? 'Deleting…' : 'Delete on every node'}
        </button>{' '}
        <button type="button" className="small" ref={cancelRef} onClick={() => setStep('idle')}>
          Cancel
        </button>
        <ErrorAlert error={remove.error} />
      </span>
    );
  }
  return (
    <button type="button" className="danger small" onClick={() => setStep('confirm')} aria-label={`Delete ${keyName}`}>
      Delete
    </button>
  );
}
