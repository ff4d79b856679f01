import { useMutation } from '@tanstack/react-query';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import type { RemovedKey } from './DeleteKeyControl';

/** After a delete: what was deleted, and a way to write it back (with the TTL it had left). */
export function UndoDeleteNotice({ removed, onDone }: { removed: RemovedKey | null; onDone: () => void }) {
  const { client } = useConnection();
  const undo = useMutation({
    mutationFn: (r: RemovedKey) => unwrap(client.setItem({ key: r.key, value: r.value, ttlMs: r.ttlMs })),
    onSuccess: onDone,
  });
  if (!removed) return null;
  return (
    <p role="status" className="undo-notice">
      Deleted <span className="mono">{removed.key}</span> on every node.{' '}
      <button type="button" className="small" onClick={() => undo.mutate(removed)} disabled={undo.isPending}>
        {undo.isPending ? 'Restoring…' : 'Undo'}
      </button>{' '}
      <button type="button" className="small" onClick={onDone} aria-label="Dismiss">
        ×
      </button>
      <ErrorAlert error={undo.error} />
    </p>
  );
}
