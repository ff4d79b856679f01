import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmedAction } from '../../components/ConfirmedAction';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';

/** Clearing is replicated to every node, so it takes a second, explicit confirmation. */
export function ClearCacheControl({ totalKeys }: { totalKeys: number | undefined }) {
  const { client } = useConnection();
  const [confirming, setConfirming] = useState(false);
  const clear = useMutation({ mutationFn: () => unwrap(client.clear()), onSuccess: () => setConfirming(false) });
  return (
    <ConfirmedAction
      label="Clear cache…"
      confirmName="Confirm clearing the cache"
      question={`Remove ${totalKeys === undefined ? 'every key' : `all ${totalKeys.toLocaleString()} keys`} from every node in the cluster? This cannot be undone.`}
      confirmLabel="Yes, clear everything"
      pendingLabel="Clearing…"
      mutation={clear}
      outcome={
        <span role="status" className="muted">
          Cache cleared.
        </span>
      }
      confirming={confirming}
      setConfirming={setConfirming}
    />
  );
}
