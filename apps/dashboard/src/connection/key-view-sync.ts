import { SOCKET_EVENTS, type SetViewRequest } from '@meshcache/api-contract';
import type { DashboardSocket } from './dashboard-socket';

/**
 * Tells the node which keys this tab shows (`set-view`), so its deltas carry only changes of
 * those keys. The node forgets a view with the socket, so it is told again on every connect; an
 * unchanged view is not sent twice.
 */
export class KeyViewSync {
  private view: SetViewRequest | null = null;
  private sent: string | null = null;

  constructor(private readonly socket: DashboardSocket) {}

  /** Starts re-sending the view on (re)connect; returns the function that stops it. */
  attach(): () => void {
    const onConnect = () => {
      this.sent = null;
      this.send();
    };
    this.socket.on('connect', onConnect);
    return () => this.socket.off('connect', onConnect);
  }

  show(view: SetViewRequest): void {
    this.view = view;
    this.send();
  }

  private send(): void {
    if (!this.view || !this.socket.connected) return;
    const wire = JSON.stringify(this.view);
    if (wire === this.sent) return;
    this.sent = wire;
    this.socket.emit(SOCKET_EVENTS.setView, this.view);
  }
}
