import {
  cacheDeltaEventSchema,
  cacheStateEventSchema,
  compileKeyPattern,
  metricsUpdateEventSchema,
  nodeListUpdateEventSchema,
  SOCKET_EVENTS,
  type ListKeysResponse,
  type MetricsResponse,
  type NodeListUpdateEvent,
} from '@meshcache/api-contract';
import type { QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { MetricsHistory } from '../charts/metrics-history';
import { nodeListFromMetrics, refreshNodeList } from '../panels/cluster/node-list';
import { applyCacheDelta } from '../panels/keys/apply-cache-delta';
import type { DashboardSocket } from './dashboard-socket';
import { queryKeys } from './query-keys';
import { throttle } from './throttle';

/** Pages the socket has made incomplete are refetched at most this often, however fast keys change. */
export const KEY_REFRESH_MS = 1000;
/** The sync history is not pushed; a change on the socket refreshes it at most this often. */
export const HISTORY_REFRESH_MS = 2000;

/**
 * Wires the dashboard socket into the react-query cache: every pushed event replaces or patches
 * the data of the matching query, so nothing polls what the socket pushes. Each payload is
 * checked against its contract schema; a payload that fails is dropped, not applied.
 * Returns the function that detaches everything.
 */
export function attachSocketToQueries(socket: DashboardSocket, queries: QueryClient, history: MetricsHistory): () => void {
  let connectedBefore = false;
  const refreshKeys = throttle(() => void queries.invalidateQueries({ queryKey: queryKeys.allKeyPages }), KEY_REFRESH_MS);
  const refreshHistory = throttle(() => void queries.invalidateQueries({ queryKey: queryKeys.allHistory }), HISTORY_REFRESH_MS);

  const handlers: Record<string, (payload: unknown) => void> = {
    connect: () => {
      // After a gap the cache may have missed anything; the first connect needs nothing, the
      // queries are loading already.
      if (connectedBefore) void queries.invalidateQueries();
      connectedBefore = true;
    },
    disconnect: () => history.markGap(),
    [SOCKET_EVENTS.metricsUpdate]: (payload) => {
      const event = parse(metricsUpdateEventSchema, payload, SOCKET_EVENTS.metricsUpdate);
      if (!event) return;
      const { nodeId: _nodeId, timestamp: _timestamp, sync, server, ...cache } = event;
      const metrics: MetricsResponse = { cache, sync, server };
      queries.setQueryData(queryKeys.metrics, metrics);
      queries.setQueryData<NodeListUpdateEvent>(queryKeys.nodes, (old) => (old ? refreshNodeList(old, metrics) : nodeListFromMetrics(metrics)));
      history.record(metrics);
    },
    [SOCKET_EVENTS.nodeListUpdate]: (payload) => {
      const event = parse(nodeListUpdateEventSchema, payload, SOCKET_EVENTS.nodeListUpdate);
      if (!event) return;
      queries.setQueryData(queryKeys.nodes, event);
      refreshHistory();
    },
    [SOCKET_EVENTS.cacheState]: (payload) => {
      const event = parse(cacheStateEventSchema, payload, SOCKET_EVENTS.cacheState);
      if (!event) return;
      queries.setQueryData<MetricsResponse>(queryKeys.metrics, (old) =>
        old ? { ...old, cache: event.metrics, sync: { ...old.sync, syncEnabled: event.syncEnabled } } : old,
      );
    },
    [SOCKET_EVENTS.cacheDelta]: (payload) => {
      const event = parse(cacheDeltaEventSchema, payload, SOCKET_EVENTS.cacheDelta);
      if (!event) return;
      let stale = event.truncated;
      for (const [key, page] of queries.getQueriesData<ListKeysResponse>({ queryKey: queryKeys.allKeyPages })) {
        if (!page) continue;
        const prefix = typeof key[1] === 'string' ? key[1] : '';
        const pattern = typeof key[3] === 'string' && key[3] !== '' ? compileKeyPattern(key[3]) : undefined;
        const outcome = applyCacheDelta(page, prefix, event.changes, event.totalKeys, pattern);
        if (outcome.page !== page) queries.setQueryData(key, outcome.page);
        stale ||= outcome.stale;
      }
      // An open key detail shows the whole value: read it again when its key changed.
      for (const change of event.changes) {
        if ((change.kind === 'set' || change.kind === 'delete') && queries.getQueryData(queryKeys.item(change.key)) !== undefined) {
          void queries.invalidateQueries({ queryKey: queryKeys.item(change.key), exact: true });
        }
      }
      const strategyChange = event.changes.findLast((c) => c.kind === 'strategy');
      if (strategyChange?.kind === 'strategy') {
        queries.setQueryData<MetricsResponse>(queryKeys.metrics, (old) =>
          old ? { ...old, cache: { ...old.cache, strategy: strategyChange.strategy } } : old,
        );
      }
      if (stale) refreshKeys();
      refreshHistory();
    },
  };

  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
  return () => {
    for (const [event, handler] of Object.entries(handlers)) socket.off(event, handler);
    refreshKeys.cancel();
    refreshHistory.cancel();
  };
}

function parse<S extends z.ZodType>(schema: S, payload: unknown, event: string): z.output<S> | undefined {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  console.warn(`meshcache dashboard: dropped a malformed '${event}' event`, parsed.error.issues);
  return undefined;
}
