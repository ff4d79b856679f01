import { describeError } from '../connection/api-call-error';

/** A failed action, said in a line a person can act on; nothing while there is no error. */
export function ErrorAlert({ error, className }: { error: unknown; className?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className={className ? `state-error ${className}` : 'state-error'}>
      {describeError(error)}
    </p>
  );
}
