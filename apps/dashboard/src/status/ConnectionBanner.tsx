import type { SocketStatus } from '../connection/socket-status';

/** Says, in words, whether live updates are flowing and what the page is doing about it. */
export function ConnectionBanner({ status }: { status: SocketStatus }) {
  switch (status.kind) {
    case 'connected':
      return null;
    case 'connecting':
      return (
        <div className="banner banner-info" role="status">
          Connecting to the node for live updates…
        </div>
      );
    case 'reconnecting':
      return (
        <div className="banner banner-warn" role="alert">
          Disconnected: {status.reason}. Live updates are paused and the figures below may be out of date; reconnecting
          {status.attempts > 0 ? ` (attempt ${status.attempts})` : ''}…
        </div>
      );
    case 'unauthorized':
      return (
        <div className="banner banner-error" role="alert">
          Live updates refused: {status.message}.
        </div>
      );
  }
}
