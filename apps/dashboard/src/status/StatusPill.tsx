import type { SocketStatus } from '../connection/socket-status';

const TEXT: Record<SocketStatus['kind'], string> = {
  connected: 'live',
  connecting: 'connecting',
  reconnecting: 'disconnected',
  unauthorized: 'unauthorized',
};

export function StatusPill({ status }: { status: SocketStatus }) {
  return (
    <span className={`pill pill-${status.kind}`} data-testid="connection-status">
      <span aria-hidden="true" className="badge-dot" />
      {TEXT[status.kind]}
    </span>
  );
}
