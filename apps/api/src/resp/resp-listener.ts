import { RespServer } from '@meshcache/resp';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { parseByteSize } from '../config/byte-size.js';
import type { ServerContext } from '../server/context.js';
import type { TlsOptions } from '../server/tls-options.js';
import { createNodeRespStore } from './node-resp-store.js';

/** Thrown when the RESP port cannot be opened; main prints it and exits. */
export class RespListenError extends Error {
  readonly code = 'RESP_LISTEN_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'RespListenError';
  }
}

export interface RespListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Opens the Redis-protocol listener on HOST:RESP_PORT, over TLS with the HTTP port's certificate
 * when TLS_CERT is set (clients connect with `redis-cli --tls`, ioredis `tls: {...}`, node-redis
 * `rediss://`); like REST clients, RESP clients need no certificate of their own. The largest
 * bulk string a client may send is the REST body limit (BODY_LIMIT): one limit for the largest
 * value, whichever API brings it. One command's arguments together may take 64 MiB, or
 * BODY_LIMIT if larger (the library's maxCommandBytes default, derived from maxBulkBytes).
 */
export const openRespListener = async (ctx: ServerContext, tls: TlsOptions): Promise<RespListener> => {
  const { config } = ctx;
  const resp = new RespServer(createNodeRespStore(ctx), {
    // A connection that must AUTH gets as long as an HTTP client gets for its headers.
    limits: { maxBulkBytes: parseByteSize(config.bodyLimit), authTimeoutMs: config.headersTimeoutMs },
    onError: (error, command) => ctx.logger.error({ err: error, command }, 'RESP command failed'),
    onSecurityWarning: (message, remoteAddress) => ctx.logger.warn({ remoteAddress }, message),
  });
  const server: Server = tls.server === null ? createServer(resp.handle) : createTlsServer(tls.server, resp.handle);
  // MAX_CONNECTIONS bounds this port's clients as it bounds the HTTP port's.
  server.maxConnections = config.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `RESP_PORT ${config.respPort} is already in use on ${config.host} (set RESP_PORT to a free port, or 0 to turn the Redis listener off)`
          : `cannot listen on RESP_PORT ${config.respPort}: ${error.message}`;
      reject(new RespListenError(reason));
    });
    server.listen(config.respPort, config.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        resp.closeAll();
      }),
  };
};
