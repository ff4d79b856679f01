import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmedAction } from '../../components/ConfirmedAction';
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
  const remove = useMutation({
    mutationFn: () => unwrap(client.deleteMatching({ pattern })),
    onSuccess: () => setConfirming(false),
    // A refusal part-way (full disk) still deleted some keys: the list is reloaded either way.
    onSettled: () => void queries.invalidateQueries({ queryKey: queryKeys.allKeyPages }),
  });

  const count = matches === undefined ? 'the keys' : `${atLeast ? 'at least ' : ''}${matches.toLocaleString()} key${matches === 1 ? '' : 's'}`;
  return (
    <ConfirmedAction
      label="Delete matching…"
      confirmName="Confirm deleting the matching keys"
      question={
        <>
          Delete {count} matching <code>{pattern}</code> from every node in the cluster? Each delete is replicated; this cannot be undone.
        </>
      }
      confirmLabel={`Yes, delete ${count}`}
      pendingLabel="Deleting…"
      mutation={remove}
      outcome={
        <span role="status" className="muted" data-testid="delete-matching-outcome">
          {remove.data?.message}.
        </span>
      }
      disabled={matches === 0}
      confirming={confirming}
      setConfirming={setConfirming}
    />
  );
}
