import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';

/** Clearing is replicated to every node, so it takes a second, explicit confirmation. */
export function ClearCacheControl({ totalKeys }: { totalKeys: number | undefined }) {
  const { client } = useConnection();
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const clear = useMutation({ mutationFn: () => unwrap(client.clear()), onSuccess: () => setConfirming(false) });

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <div className="clear-control">
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Clear cache…
        </button>
        {clear.isSuccess ? (
          <span role="status" className="muted">
            Cache cleared.
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <div
      className="clear-control confirm"
      role="group"
      aria-label="Confirm clearing the cache"
      onKeyDown={(e) => {
        if (e.key === 'Escape') setConfirming(false);
      }}
    >
      <p>
        Remove {totalKeys === undefined ? 'every key' : `all ${totalKeys.toLocaleString()} keys`} from every node in the cluster? This cannot be undone.
      </p>
      <button type="button" className="danger" onClick={() => clear.mutate()} disabled={clear.isPending}>
        {clear.isPending ? 'Clearing…' : 'Yes, clear everything'}
      </button>{' '}
      <button type="button" ref={cancelRef} onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <ErrorAlert error={clear.error} />
    </div>
  );
}
