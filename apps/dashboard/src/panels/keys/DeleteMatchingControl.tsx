import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import { queryKeys } from '../../connection/query-keys';

interface DeleteMatchingControlProps {
  pattern: string;
  /** keys the node counted for the pattern; undefined while unknown */
  matches: number | undefined;
  /** the count stopped at the node's scan bound: there may be more */
  atLeast: boolean;
}

/**
 * Deletes the keys a glob matches, after a confirmation that states the count and the scope: the
 * node deletes them one by one, each replicated to every node like a single delete, at most
 * 10,000 per request (the answer says when more remain).
 */
export function DeleteMatchingControl({ pattern, matches, atLeast }: DeleteMatchingControlProps) {
  const { client } = useConnection();
  const queries = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const remove = useMutation({
    mutationFn: () => unwrap(client.deleteMatching({ pattern })),
    onSuccess: () => {
      setConfirming(false);
      void queries.invalidateQueries({ queryKey: queryKeys.allKeyPages });
    },
  });

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);

  const count = matches === undefined ? 'the keys' : `${atLeast ? 'at least ' : ''}${matches.toLocaleString()} key${matches === 1 ? '' : 's'}`;
  if (!confirming) {
    return (
      <div className="clear-control">
        <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={matches === 0}>
          Delete matching…
        </button>
        {remove.isSuccess ? (
          <span role="status" className="muted" data-testid="delete-matching-outcome">
            {remove.data.message}.
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <div
      className="clear-control confirm"
      role="group"
      aria-label="Confirm deleting the matching keys"
      onKeyDown={(e) => {
        if (e.key === 'Escape') setConfirming(false);
      }}
    >
      <p>
        Delete {count} matching <code>{pattern}</code> from every node in the cluster? Each delete is replicated; this cannot be undone.
      </p>
      <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
        {remove.isPending ? 'Deleting…' : `Yes, delete ${count}`}
      </button>{' '}
      <button type="button" ref={cancelRef} onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <ErrorAlert error={remove.error} />
    </div>
  );
}
