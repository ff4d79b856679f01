import type { NodeState } from '@meshcache/api-contract';

const LABELS: Record<NodeState, string> = { up: 'up', suspect: 'suspect', down: 'down' };

/** State in words and colour (never colour alone). */
export function NodeStateBadge({ state, label }: { state: NodeState; label?: string }) {
  return (
    <span className={`badge badge-${state}`} data-testid="node-state">
      <span aria-hidden="true" className="badge-dot" />
      {label ?? LABELS[state]}
    </span>
  );
}
