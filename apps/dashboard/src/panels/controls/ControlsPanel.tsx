import { STRATEGY_LABELS, strategySummary, type ClusterToggleSyncResponse, type MetricsResponse, type Strategy } from '@meshcache/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Panel } from '../../components/Panel';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import { useMetrics } from '../../connection/queries';
import { queryKeys } from '../../connection/query-keys';

const STRATEGIES: { value: Strategy; label: string; hint: string }[] = STRATEGY_LABELS.map((value) => ({
  value,
  label: value,
  hint: strategySummary(value),
}));

/** What a cluster-wide toggle reached, node by node, in one sentence. */
export function describeClusterToggle(result: ClusterToggleSyncResponse): string {
  const verb = result.enabled ? 'on' : 'paused';
  const confirmed = result.nodes.filter((n) => n.ok).map((n) => n.id);
  const missed = result.nodes.filter((n) => !n.ok);
  if (missed.length === 0) return `Replication is ${verb} on every node (${confirmed.join(', ')}).`;
  const reasons = missed.map((n) => `${n.id}${n.error ? ` (${n.error})` : ''}`).join(', ');
  return `Replication is ${verb} on ${confirmed.length > 0 ? confirmed.join(', ') : 'no node'} only: not confirmed by ${reasons}.`;
}

/**
 * Strategy switch (replicated to every node), replication on/off for this node alone or for every
 * node (this node asks each peer and reports who did not confirm), and force sync (this node
 * against its peers). Each control says its scope.
 */
export function ControlsPanel() {
  const { client } = useConnection();
  const queries = useQueryClient();
  const metrics = useMetrics();
  const strategyName = useId();
  const forceHintId = useId();
  const patchMetrics = (patch: (old: MetricsResponse) => MetricsResponse) =>
    queries.setQueryData<MetricsResponse>(queryKeys.metrics, (old) => (old ? patch(old) : old));

  // The choice shows at once (React state, rendered in the click's own event) and stays until
  // the node's metrics agree; a refusal puts the radio back.
  const [chosen, setChosen] = useState<Strategy | null>(null);
  // One line for the last action's outcome: a new outcome replaces the previous one.
  const [outcome, setOutcome] = useState('');
  const setStrategy = useMutation({
    mutationFn: (strategy: Strategy) => unwrap(client.setStrategy({ strategy })),
    onMutate: () => setOutcome(''),
    onSuccess: (data) => {
      patchMetrics((old) => ({ ...old, cache: { ...old.cache, strategy: data.strategy } }));
      setOutcome(`Strategy is now ${data.strategy} on every node.`);
    },
    onError: () => setChosen(null),
  });
  const [chosenSync, setChosenSync] = useState<boolean | null>(null);
  const toggleSync = useMutation({
    mutationFn: (enabled: boolean) => unwrap(client.toggleSync({ enabled })),
    onMutate: () => setOutcome(''),
    onSuccess: (data) => {
      patchMetrics((old) => ({ ...old, sync: { ...old.sync, syncEnabled: data.syncEnabled } }));
      setOutcome(data.syncEnabled ? `Replication is on again on ${nodeId}.` : `Replication is paused on ${nodeId} only; the other nodes still replicate.`);
    },
    onError: () => setChosenSync(null),
  });
  const clusterToggle = useMutation({
    mutationFn: (enabled: boolean) => unwrap(client.clusterToggleSync({ enabled })),
    onMutate: () => setOutcome(''),
    onSuccess: (data) => {
      setOutcome(describeClusterToggle(data));
      void queries.invalidateQueries({ queryKey: queryKeys.metrics });
      void queries.invalidateQueries({ queryKey: queryKeys.clusterMetrics });
    },
  });
  const forceSync = useMutation({
    mutationFn: () => unwrap(client.forceSync()),
    onMutate: () => setOutcome(''),
    onSuccess: (data) =>
      setOutcome(
        data.skipped === 'sync-disabled'
          ? `Nothing done: replication is paused on ${nodeId}.`
          : `Compared ${nodeId} with ${data.peers} peer${data.peers === 1 ? '' : 's'}: ${data.repairedKeys.toLocaleString()} key${data.repairedKeys === 1 ? '' : 's'} repaired.`,
      ),
  });
  const nodeId = metrics.data?.sync.nodeId ?? 'this node';

  const current = metrics.data?.cache.strategy;
  useEffect(() => {
    if (chosen !== null && chosen === current) setChosen(null);
  }, [chosen, current]);
  const shown = chosen ?? current;
  const reportedSync = metrics.data?.sync.syncEnabled;
  useEffect(() => {
    if (chosenSync !== null && chosenSync === reportedSync) setChosenSync(null);
  }, [chosenSync, reportedSync]);
  const syncEnabled = chosenSync ?? reportedSync;
  const failure = setStrategy.error ?? toggleSync.error ?? clusterToggle.error ?? forceSync.error;

  return (
    <Panel title="Controls" className="panel-controls">
      <fieldset className="strategy" disabled={!metrics.data || setStrategy.isPending}>
        <legend>Eviction strategy (applies to every node)</legend>
        {STRATEGIES.map((s) => (
          <label key={s.value} className="radio">
            <input
              type="radio"
              name={strategyName}
              value={s.value}
              checked={shown === s.value}
              onChange={() => {
                setChosen(s.value);
                setStrategy.mutate(s.value);
              }}
            />
            <span>
              <strong>{s.label}</strong> <span className="muted">{s.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <div className="control-row">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={syncEnabled ?? false}
            disabled={syncEnabled === undefined || toggleSync.isPending}
            onChange={(event) => {
              setChosenSync(event.target.checked);
              toggleSync.mutate(event.target.checked);
            }}
          />
          Replication {syncEnabled === undefined ? '' : syncEnabled ? 'on' : 'off'} <span className="muted">(this node, {nodeId}, only)</span>
        </label>
        <button type="button" onClick={() => forceSync.mutate()} disabled={forceSync.isPending} aria-describedby={forceHintId}>
          {forceSync.isPending ? 'Syncing…' : 'Force sync'}
        </button>
        <span id={forceHintId} className="muted small">
          compares {nodeId} with every peer and repairs what differs
        </span>
      </div>

      <div className="control-row" role="group" aria-label="Replication on every node">
        <button type="button" onClick={() => clusterToggle.mutate(false)} disabled={clusterToggle.isPending}>
          Pause replication on every node
        </button>
        <button type="button" onClick={() => clusterToggle.mutate(true)} disabled={clusterToggle.isPending}>
          Resume replication on every node
        </button>
        <span className="muted small">{nodeId} asks each peer it knows and reports the nodes that did not confirm</span>
      </div>

      <p role="status" aria-live="polite" className="muted" data-testid="controls-outcome">
        {outcome}
      </p>
      <ErrorAlert error={failure} />
    </Panel>
  );
}
