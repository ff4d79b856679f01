import { useEffect, useRef, type ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/** The part of a react-query mutation this control drives. */
export interface ConfirmableMutation {
  mutate: () => void;
  isPending: boolean;
  isSuccess: boolean;
  error: unknown;
}

interface ConfirmedActionProps {
  /** the first button, e.g. "Clear cache…" */
  label: string;
  /** names the confirmation group for assistive technology */
  confirmName: string;
  /** the question; it states the count and the scope of what will be destroyed */
  question: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  mutation: ConfirmableMutation;
  /** shown beside the first button after the action succeeded */
  outcome?: ReactNode;
  disabled?: boolean;
  /** closes the confirmation once the action succeeded (the owner calls it from `onSuccess`) */
  confirming: boolean;
  setConfirming: (on: boolean) => void;
}

/**
 * A destructive action behind a second, explicit confirmation: focus lands on Cancel, Escape
 * backs out, and a refusal stays on screen beside the question so the user sees what happened.
 */
export function ConfirmedAction({ label, confirmName, question, confirmLabel, pendingLabel, mutation, outcome, disabled, confirming, setConfirming }: ConfirmedActionProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <div className="clear-control">
        <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={disabled}>
          {label}
        </button>
        {mutation.isSuccess ? outcome : null}
      </div>
    );
  }
  return (
    <div
      className="clear-control confirm"
      role="group"
      aria-label={confirmName}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setConfirming(false);
      }}
    >
      <p>{question}</p>
      <button type="button" className="danger" onClick={() => mutation.mutate()} disabled={mutation.isPending}>
        {mutation.isPending ? pendingLabel : confirmLabel}
      </button>{' '}
      <button type="button" ref={cancelRef} onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <ErrorAlert error={mutation.error} />
    </div>
  );
}
