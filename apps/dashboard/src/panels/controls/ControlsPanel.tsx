import type { MetricsResponse, Strategy } from '@meshcache/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { Panel } from '../../components/Panel';
import { describeError, unwrap } from '../../connection/api-call-error';
import { useConnection } from '../../connection/connection-context';
import { useMetrics } from '../../connection/queries';
import { queryKeys } from '../../connection/query-keys';

const STRATEGIES: { value: Strategy; label: string; hint: string }[] = [
  { value: 'LRU', label: 'LRU', hint: 'evict the least recently used key' },
  { value: 'LFU', label: 'LFU', hint: 'evict the least frequently used key' },
];

/** Strategy switch (replicated to every node), replication on/off and force sync. */
export function ControlsPanel() {
  const { client } = useConnection();
  const queries = useQueryClient();
  const metrics = useMetrics();
  const strategyName = useId();
  const patchMetrics = (patch: (old: MetricsResponse) => MetricsResponse) =>
    queries.setQueryData<MetricsResponse>(queryKeys.metrics, (old) => (old ? patch(old) : old));

  const showStrategy = (strategy: Strategy) => patchMetrics((old) => ({ ...old, cache: { ...old.cache, strategy } }));
  // Optimistic: the radio moves at once and moves back if the node refuses.
  const setStrategy = useMutation({
    mutationFn: (strategy: Strategy) => unwrap(client.setStrategy({ strategy })),
    onMutate: (strategy) => {
      const previous = queries.getQueryData<MetricsResponse>(queryKeys.metrics)?.cache.strategy;
      showStrategy(strategy);
      return { previous };
    },
    onError: (_error, _strategy, context) => {
      if (context?.previous) showStrategy(context.previous);
    },
    onSuccess: (data) => showStrategy(data.strategy),
  });
  const toggleSync = useMutation({
    mutationFn: (enabled: boolean) => unwrap(client.toggleSync({ enabled })),
    onSuccess: (data) => patchMetrics((old) => ({ ...old, sync: { ...old.sync, syncEnabled: data.syncEnabled } })),
  });
  const forceSync = useMutation({ mutationFn: () => unwrap(client.forceSync()) });

  const current = metrics.data?.cache.strategy;
  const syncEnabled = metrics.data?.sync.syncEnabled;
  const failure = setStrategy.error ?? toggleSync.error ?? forceSync.error;

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
              checked={current === s.value}
              onChange={() => setStrategy.mutate(s.value)}
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
            onChange={(event) => toggleSync.mutate(event.target.checked)}
          />
          Replication {syncEnabled === undefined ? '' : syncEnabled ? 'on' : 'off'}
        </label>
        <button type="button" onClick={() => forceSync.mutate()} disabled={forceSync.isPending}>
          {forceSync.isPending ? 'Syncing…' : 'Force sync'}
        </button>
      </div>

      <p role="status" aria-live="polite" className="muted">
        {setStrategy.isSuccess ? `Strategy is now ${setStrategy.data.strategy}. ` : ''}
        {forceSync.isSuccess ? `Asked ${forceSync.data.peers} peer${forceSync.data.peers === 1 ? '' : 's'} to resynchronize.` : ''}
      </p>
      {failure ? (
        <p role="alert" className="state-error">
          {describeError(failure)}
        </p>
      ) : null}
    </Panel>
  );
}
