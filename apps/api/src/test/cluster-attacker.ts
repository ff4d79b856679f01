import { io, type Socket } from 'socket.io-client';

/** The socket.io event every peer message travels on (see the sync-node socket.io transport). */
const EVENT = 'm';

/**
 * An attacker (or a misconfigured peer) speaking socket.io-client to a node's `/cluster`
 * namespace by hand: it records what the node says and whether the connection was refused.
 */
export class ClusterAttacker {
  readonly socket: Socket;
  readonly received: Record<string, unknown>[] = [];
  connectError: string | null = null;
  connected = false;
  disconnected = false;

  constructor(url: string, options: { extraHeaders?: Record<string, string>; ca?: string; cert?: string; key?: string } = {}) {
    this.socket = io(`${url}/cluster`, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
    this.socket.on('connect', () => (this.connected = true));
    this.socket.on('connect_error', (error: Error) => (this.connectError = error.message));
    this.socket.on('disconnect', () => (this.disconnected = true));
    this.socket.on(EVENT, (message: Record<string, unknown>) => this.received.push(message));
  }

  send(message: unknown): void {
    this.socket.emit(EVENT, message);
  }

  /** Messages of `type` received so far. */
  ofType(type: string): Record<string, unknown>[] {
    return this.received.filter((m) => m.type === type);
  }

  close(): void {
    this.socket.disconnect();
  }
}
