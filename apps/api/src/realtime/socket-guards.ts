import { CLUSTER_NAMESPACE } from '@meshcache/sync-node';
import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';
import { corsOrigins } from '../http/middleware/security.js';
import { peerCertificateOk, type TlsOptions } from '../server/tls-options.js';

/**
 * The origins a browser page may open a socket from: FRONTEND_URL's list (`*`: any), plus the
 * node's own origin (it serves the dashboard) under its SELF_URL and its loopback names. Host
 * header based "same origin" is not trusted: a DNS-rebinding page would pass it.
 */
export const socketOriginPolicy = (frontendUrl: string, selfUrl: string, port: number): ((origin: string) => boolean) => {
  const configured = corsOrigins(frontendUrl);
  if (configured === true) return () => true;
  const self = new URL(selfUrl);
  const scheme = self.protocol;
  const own = [self.origin, ...['localhost', '127.0.0.1', '[::1]'].map((host) => `${scheme}//${host}:${port}`)];
  const allowed = new Set([...configured.map((o) => o.replace(/\/+$/, '')), ...own]);
  return (origin) => allowed.has(origin);
};

/**
 * engine.io's `allowRequest`: refuses (403) any polling request or WebSocket upgrade whose
 * Origin is not allowed. socket.io's `cors` option only adds headers to polling answers, and a
 * browser does not apply CORS to WebSocket upgrades, so without this any page could connect.
 * Requests without an Origin (non-browser clients, peers) are left to the namespaces.
 */
export const allowSocketRequest =
  (originOk: (origin: string) => boolean) =>
  (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const origin = req.headers.origin;
    if (origin === undefined || originOk(origin)) callback(null, true);
    else callback('origin not allowed', false);
  };

/** Fails a `/cluster` connection before the handshake; the client sees `connect_error` with the message. */
class ClusterRefusedError extends Error {
  readonly code = 'CLUSTER_REFUSED';
  readonly data = { code: 'CLUSTER_REFUSED' };
}

/**
 * The `/cluster` namespace is for peers only: a browser page never gets there (any request with
 * an Origin header is refused, whatever the origin), and with TLS_CA the connection must carry a
 * client certificate that chains to it. The handshake then asks for the cluster secret.
 */
export const guardClusterNamespace = (io: Server, tls: TlsOptions): void => {
  io.of(CLUSTER_NAMESPACE).use((socket, next) => {
    if (socket.handshake.headers.origin !== undefined) return next(new ClusterRefusedError('the cluster namespace does not accept browser connections'));
    if (!peerCertificateOk(tls, socket.request.socket)) return next(new ClusterRefusedError('a client certificate signed by the cluster CA (TLS_CA) is required'));
    next();
  });
};
