import { createClient, type MeshcacheClient } from '@meshcache/api-contract';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ClusterHistory } from '../charts/cluster-history';
import { MetricsHistory } from '../charts/metrics-history';
import { isUnauthorized, isWorthRetrying } from './api-call-error';
import { openDashboardSocket, type DashboardSocket } from './dashboard-socket';
import { KeyViewSync } from './key-view-sync';

/** Everything the panels need to talk to one node. */
export interface Connection {
  /** '' when the node is the page's own origin */
  readonly baseUrl: string;
  readonly client: MeshcacheClient;
  readonly socket: DashboardSocket;
  readonly queries: QueryClient;
  readonly history: MetricsHistory;
  /** every other node's chart history, fed by the cluster view */
  readonly clusterHistory: ClusterHistory;
  /** the key-browser page this tab shows, as told to the node */
  readonly keyView: KeyViewSync;
}

export interface ConnectionParts {
  baseUrl: string;
  client: MeshcacheClient;
  socket: DashboardSocket;
  /** called when any request is answered 401 */
  onUnauthorized: () => void;
  /** first retry delay of a failed query; doubles per attempt */
  retryDelayMs?: number;
}

/** A query client whose failures are classified once: 401 asks for a token, 4xx is not retried. */
export function createQueryClient(onUnauthorized: () => void, retryDelayMs = 1000): QueryClient {
  const onError = (error: unknown) => {
    if (isUnauthorized(error)) onUnauthorized();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (failures, error) => failures < 3 && isWorthRetrying(error),
        retryDelay: (attempt) => Math.min(retryDelayMs * 2 ** attempt, 8000),
        refetchOnWindowFocus: false,
        // Socket events keep queries fresh; a refetch happens only when the socket says so.
        staleTime: Infinity,
      },
      mutations: { retry: false },
    },
  });
}

export function assembleConnection(parts: ConnectionParts): Connection {
  const history = new MetricsHistory();
  return {
    baseUrl: parts.baseUrl,
    client: parts.client,
    socket: parts.socket,
    queries: createQueryClient(parts.onUnauthorized, parts.retryDelayMs),
    history,
    clusterHistory: new ClusterHistory(history),
    keyView: new KeyViewSync(parts.socket),
  };
}

/** The production connection: the typed client over fetch and a socket.io socket, same token. */
export function openConnection(baseUrl: string, token: string | undefined, onUnauthorized: () => void): Connection {
  return assembleConnection({
    baseUrl,
    // Wrapped so fetch is never called with the options object as `this` (an "Illegal invocation");
    // the client's signal, when it sets one, is the platform's own AbortSignal.
    client: createClient({ baseUrl, token, fetch: (url, init) => fetch(url, init as RequestInit) }),
    socket: openDashboardSocket(baseUrl, token),
    onUnauthorized,
  });
}
