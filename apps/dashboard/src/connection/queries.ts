import type { ClusterMetricsResponse, ListKeysResponse, MetricsResponse, NodeListUpdateEvent, HistoryResponse } from '@meshcache/api-contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { nodeListFromMetrics, refreshNodeList } from '../panels/cluster/node-list';
import { unwrap } from './api-call-error';
import { useConnection } from './connection-context';
import { queryKeys } from './query-keys';

/** Loaded once over REST, then replaced by every `metrics-update` event. */
export function useMetrics() {
  const { client, history } = useConnection();
  return useQuery<MetricsResponse>({
    queryKey: queryKeys.metrics,
    queryFn: async () => {
      const metrics = await unwrap(client.metrics());
      history.record(metrics);
      return metrics;
    },
  });
}

/**
 * Built from the metrics until the first `node-list-update`, which replaces it; `metrics-update`
 * refreshes it. A REST answer that lands after a push only refreshes the pushed list, so it never
 * drops what the push told (addresses, members). `select` narrows what the caller re-renders on.
 */
export function useNodes<T = NodeListUpdateEvent>(select?: (list: NodeListUpdateEvent) => T) {
  const { client, queries } = useConnection();
  return useQuery<NodeListUpdateEvent, Error, T>({
    queryKey: queryKeys.nodes,
    queryFn: async () => {
      const metrics = await unwrap(client.metrics());
      const pushed = queries.getQueryData<NodeListUpdateEvent>(queryKeys.nodes);
      return pushed ? refreshNodeList(pushed, metrics) : nodeListFromMetrics(metrics);
    },
    select,
  });
}

export const KEY_PAGE_SIZE = 50;

/**
 * One page of the key browser; patched by `cache-delta` events, refetched when they make it
 * incomplete. The page shown is the tab's view: the node sends deltas for its keys only, so the
 * other cached pages are marked stale and fetched again when shown.
 */
export function useKeyPage(prefix: string, cursor: string | null, pattern = '') {
  const { client, keyView, queries } = useConnection();
  const page = useQuery<ListKeysResponse>({
    queryKey: queryKeys.keyPage(prefix, cursor, pattern),
    queryFn: () => unwrap(client.listKeys({ prefix: prefix || undefined, pattern: pattern || undefined, cursor: cursor ?? undefined, limit: KEY_PAGE_SIZE })),
    placeholderData: keepPreviousData,
  });
  const shown = page.data !== undefined && !page.isPlaceholderData;
  const lastKey = shown && page.data.nextCursor !== null ? (page.data.items.at(-1)?.key ?? null) : null;
  useEffect(() => {
    if (!shown) return;
    keyView.show({ prefix, cursor, lastKey });
    const current = JSON.stringify(queryKeys.keyPage(prefix, cursor, pattern));
    void queries.invalidateQueries({ queryKey: queryKeys.allKeyPages, refetchType: 'none', predicate: (q) => JSON.stringify(q.queryKey) !== current });
  }, [keyView, queries, prefix, cursor, pattern, lastKey, shown]);
  return page;
}

export const HISTORY_LIMIT = 200;

/** Recent replication events; refreshed (throttled) when the socket reports changes. */
export function useSyncHistory() {
  const { client } = useConnection();
  return useQuery<HistoryResponse>({
    queryKey: queryKeys.history(HISTORY_LIMIT),
    queryFn: () => unwrap(client.syncHistory({ limit: HISTORY_LIMIT })),
  });
}

/** How often the cluster view asks its node for every node's metrics (the node asks its peers). */
export const CLUSTER_POLL_MS = 2000;

/**
 * Every node's metrics, collected by the page's node; polled while the page is visible (no
 * socket carries other nodes' figures). Each answer also feeds the per-node chart history.
 */
export function useClusterMetrics() {
  const { client, clusterHistory } = useConnection();
  return useQuery<ClusterMetricsResponse>({
    queryKey: queryKeys.clusterMetrics,
    queryFn: async () => {
      const answer = await unwrap(client.clusterMetrics());
      clusterHistory.record(answer);
      return answer;
    },
    refetchInterval: CLUSTER_POLL_MS,
  });
}
