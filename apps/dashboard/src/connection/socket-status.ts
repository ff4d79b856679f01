import { useEffect, useState } from 'react';
import type { DashboardSocket } from './dashboard-socket';

export type SocketStatus =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; reason: string; attempts: number }
  | { kind: 'unauthorized'; message: string };

interface ConnectError {
  message?: string;
  data?: { code?: string; message?: string };
}

/** Whether a handshake failure means "wrong or missing token" rather than "node unreachable". */
export function isAuthFailure(error: ConnectError): boolean {
  if (error.data?.code === 'UNAUTHORIZED') return true;
  return /unauthori[sz]ed|token/i.test(error.message ?? '');
}

/**
 * Follows the socket's life: connected, retrying after a drop (socket.io backs off by itself),
 * or refused for want of a valid token, which no retry will fix.
 */
export function useSocketStatus(socket: DashboardSocket): SocketStatus {
  const [status, setStatus] = useState<SocketStatus>(() => (socket.connected ? { kind: 'connected' } : { kind: 'connecting' }));

  useEffect(() => {
    let attempts = 0;
    const onConnect = () => {
      attempts = 0;
      setStatus({ kind: 'connected' });
    };
    const onDisconnect = (cause: unknown) => {
      const reason = String(cause);
      // A server-side disconnect (node shutting down) is not retried by socket.io; the page
      // must keep trying so it comes back with the node.
      if (reason === 'io server disconnect') socket.connect();
      setStatus({ kind: 'reconnecting', reason: describeDisconnect(reason), attempts });
    };
    const onConnectError = (cause: unknown) => {
      const error: ConnectError = typeof cause === 'object' && cause !== null ? cause : {};
      if (isAuthFailure(error)) {
        setStatus({ kind: 'unauthorized', message: error.data?.message ?? error.message ?? 'Unauthorized' });
        return;
      }
      attempts += 1;
      setStatus({ kind: 'reconnecting', reason: 'the node does not answer', attempts });
      if (!socket.active) socket.connect();
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    if (socket.connected) onConnect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
    };
  }, [socket]);

  return status;
}

function describeDisconnect(reason: string): string {
  switch (reason) {
    case 'io server disconnect':
      return 'the node closed the connection';
    case 'transport close':
    case 'transport error':
      return 'the connection to the node was lost';
    case 'ping timeout':
      return 'the node stopped answering';
    default:
      return reason;
  }
}
