import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describeError } from '../connection/api-call-error';

interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** what is being loaded, for the messages: "keys", "sync history" */
  what: string;
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  children: (data: T) => ReactNode;
}

/** The loading, error and empty states every panel shares, each saying what is happening. */
export function QueryState<T>({ query, what, isEmpty, empty, children }: QueryStateProps<T>) {
  if (query.data === undefined) {
    if (query.isError) {
      return (
        <div className="state state-error" role="alert">
          <p>
            Could not load {what}: {describeError(query.error)}
          </p>
          <button type="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      );
    }
    return (
      <p className="state state-loading" role="status" aria-live="polite">
        Loading {what}…
      </p>
    );
  }
  return (
    <>
      {query.isError ? (
        <p className="state state-error" role="alert">
          Could not refresh {what}: {describeError(query.error)}. Showing what was received before.
        </p>
      ) : null}
      {isEmpty(query.data) ? <div className="state state-empty">{empty}</div> : children(query.data)}
    </>
  );
}
