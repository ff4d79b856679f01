import { io } from 'socket.io-client';

type Listener = (...args: unknown[]) => void;

/**
 * The part of a socket.io client socket the dashboard uses. Tests hand the app a fake with the
 * same surface; production uses {@link openDashboardSocket}.
 */
export interface DashboardSocket {
  readonly connected: boolean;
  /** true while the socket is connected or will retry by itself */
  readonly active: boolean;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

/**
 * A socket to the node at `baseUrl` ('' means the page's own origin). socket.io retries with
 * backoff by itself; the token travels in the handshake's `auth` payload.
 */
export function openDashboardSocket(baseUrl: string, token: string | undefined): DashboardSocket {
  const options = {
    auth: token ? { token } : {},
    // WebSocket only: every browser the dashboard supports has it, one connection carries the
    // whole session, and no sticky sessions are needed when nodes sit behind a load balancer.
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 5000,
    // ConnectionProvider connects on mount and disconnects on unmount.
    autoConnect: false,
  };
  return baseUrl ? io(baseUrl, options) : io(options);
}
