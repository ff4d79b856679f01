import { enginePolicy } from '@meshcache/api-contract';
import { attachSocketIoTransport, PRE_AUTH_MAX_HTTP_BUFFER_SIZE, ReplicaNode } from '@meshcache/sync-node';
import { createServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import type { ResolvedConfig } from '../config/index.js';
import { createAuthenticator } from '../http/auth.js';
import { handshakeGate } from '../realtime/handshake-gate.js';
import { createApp } from '../http/create-app.js';
import { createFastPath } from '../http/fast-path/fast-path.js';
import { createRateLimits } from '../http/rate-limit.js';
import { corsOrigins } from '../http/middleware/security.js';
import { parseByteSize } from '../config/byte-size.js';
import { createPrometheus } from '../monitoring/prometheus.js';
import { openPersistence } from '../persistence/open-persistence.js';
import { attachDashboardGateway } from '../realtime/dashboard-gateway.js';
import { allowSocketRequest, guardClusterNamespace, socketOriginPolicy } from '../realtime/socket-guards.js';
import { openRespListener, type RespListener } from '../resp/resp-listener.js';
import { valueEntryBytes } from '../views/entry-bytes.js';
import { KeyListing } from '../views/key-listing.js';
import { cacheMetrics } from '../views/metrics-views.js';
import { exposureWarning } from '../config/exposure.js';
import { advertisedUrl } from './advertised-url.js';
import type { Lifecycle, ServerConfig, ServerContext } from './context.js';
import { resolvePeerUrls, watchPeerNames, type AddressLookup } from './peer-addresses.js';
import { createHealthProblems } from './health-problems.js';
import { loadTlsOptions } from './tls-options.js';
import { VERSION } from './version.js';


export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly context: ServerContext;
  readonly httpServer: HttpServer;
  /** The Redis-protocol port, or null when RESP_PORT=0 turned it off. */
  readonly respPort: number | null;
  /** Graceful: stop accepting, drain, flush persistence, leave the cluster. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /** Resolves PEER_NODES names (tests inject one); the system resolver otherwise. */
  readonly lookup?: AddressLookup;
}

/**
 * Starts one node. The port opens first, so `/health` can say `loading` while the disk state is
 * restored; replication attaches only after the restore.
 */
export const startServer = async (config: ResolvedConfig, options: StartOptions = {}): Promise<RunningServer> => {
  // Asynchronous writes keep logging off the request path. minLength 1 writes every line at once
  // as 0 would, but makes flush(cb) wait for writes in flight, so close() leaves nothing behind.
  const tls = loadTlsOptions(config);
  const logger = options.logger ?? pino({ level: config.logLevel, base: { nodeId: config.nodeId } }, pino.destination({ sync: false, minLength: 1 }));
  const lifecycle: Lifecycle = { phase: 'loading' };
  const persistence: ServerContext['persistence'] = { store: undefined };
  const keys = new KeyListing(logger);
  const node = new ReplicaNode({
    nodeId: config.nodeId,
    cache: {
      capacity: config.cacheCapacity,
      strategy: enginePolicy(config.cacheStrategy),
      onEvict: keys.onEvict,
      ...(config.cacheMaxBytes > 0 ? { maxBytes: config.cacheMaxBytes, sizeOf: valueEntryBytes } : {}),
    },
    clusterSecret: config.clusterSecret,
    sendWindowMs: config.replicationSendWindowMs,
    ackDelayMs: config.replicationAckDelayMs,
  });
  const problems = createHealthProblems(node, logger);
  const prometheus = createPrometheus(
    {
      problems: () => problems.list(),
      cache: () => ({ ...cacheMetrics(node), bytes: node.cache.bytes }),
      persistence: () => {
        const status = persistence.store?.status();
        return status && { writable: status.disk.writable, opLogBytes: status.opLogBytes, lastSnapshotAt: status.lastSnapshotAt };
      },
      sync: () => {
        const s = node.stats();
        return { ...s, peersUp: s.nodeList.filter((p) => p.state === 'up').length };
      },
    },
    config.nodeId,
  );
  // Slow clients cannot hold a connection (or the loop's memory) longer than these; Node checks
  // them every connectionsCheckingInterval, so that runs well inside the shortest one.
  // With TLS_CERT the whole server (REST, dashboard, socket.io, /cluster) is HTTPS + WSS.
  const timeouts = {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs / 2),
  };
  const httpServer: HttpServer = tls.server === null ? createServer(timeouts) : createHttpsServer({ ...tls.server, ...timeouts });
  httpServer.maxConnections = config.maxConnections;
  const connections = { open: 0 };
  httpServer.on('connection', (socket: Socket) => {
    connections.open++;
    socket.once('close', () => connections.open--);
  });
  // Listen first: with PORT=0 the port, and so the default SELF_URL, is known only afterwards.
  let handle: RequestListener = (_req, res) => res.writeHead(503).end();
  // Registered before socket.io attaches: engine.io then takes over this listener and keeps
  // `/socket.io/` requests (long-polling) for itself. Registered after, both would answer them.
  httpServer.on('request', (req, res) => handle(req, res));
  // Frames are small until a connection authenticates: dashboards never need more, and the
  // cluster transport raises the limit of each peer's link once it has proven the secret.
  const limits = createRateLimits(config, logger);
  // The port (for the node's own origin) is known once listening; requests wait for `handle` till then.
  let originOk: (origin: string) => boolean = () => false;
  const originGate = allowSocketRequest((origin) => originOk(origin));
  const rateGate = handshakeGate(config, limits);
  const io = new SocketServer(httpServer, {
    serveClient: false,
    maxHttpBufferSize: PRE_AUTH_MAX_HTTP_BUFFER_SIZE,
    cors: { origin: corsOrigins(config.frontendUrl), credentials: true },
    // A foreign Origin is refused before the connection counts against the client's limit.
    allowRequest: (req, callback) => originGate(req, (error, ok) => (ok ? rateGate(req, callback) : callback(error, ok))),
  });
  // Without a secret there is no /cluster namespace at all (see the transport below).
  if (config.clusterSecret !== undefined) guardClusterNamespace(io, tls);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const peers = await resolvePeerUrls(config.peerNodes, options.lookup);
  for (const u of peers.unresolved) logger.warn({ peer: u.url, reason: u.message }, 'peer name does not resolve now: dialing it by name');
  const resolved: ServerConfig = { ...config, selfUrl: await advertisedUrl({ host: config.host, port, selfUrl: config.selfUrl, peerUrls: peers.urls, scheme: tls.server === null ? 'http' : 'https' }) };
  const warning = exposureWarning(config);
  if (warning !== undefined) logger.warn({ host: config.host }, warning);
  originOk = socketOriginPolicy(config.frontendUrl, resolved.selfUrl, port);

  const ctx: ServerContext = {
    config: resolved,
    logger,
    node,
    keys,
    auth: createAuthenticator(config),
    limits,
    prometheus,
    lifecycle,
    persistence,
    problems,
    connections,
    peerTls: tls.client,
    startedAt: Date.now(),
    version: VERSION,
  };
  const app = createApp(ctx);
  // Behind a proxy the client address comes from X-Forwarded-For, which only Express resolves.
  const fastPath = config.trustProxy
    ? undefined
    : createFastPath(ctx, {
        allowedOrigins: corsOrigins(config.frontendUrl),
        limits,
        bodyLimitBytes: parseByteSize(config.bodyLimit),
      });
  handle = (req, res) => {
    if (!fastPath?.(req, res)) app(req, res);
  };

  // Opened before the restore so a port in use fails the start at once; commands answer
  // LOADING until the node is ready.
  let respListener: RespListener | undefined;
  try {
    respListener = config.respPort === 0 ? undefined : await openRespListener(ctx, tls);
  } catch (error) {
    await new Promise<void>((resolve) => {
      io.close();
      httpServer.close(() => resolve());
    });
    throw error;
  }

  const store = config.dataDir
    ? await openPersistence(node, config.dataDir, config, logger, (disk) => {
        if (disk.writable) {
          problems.server.clear('disk-read-only');
          node.journalResumed();
        }
        else problems.server.raise('disk-read-only', `DATA_DIR refused a write (${disk.fault.code}): the node is read-only, writes answer 507 DISK_FULL until the disk takes writes again`);
      })
    : undefined;
  persistence.store = store;

  keys.attach(node);
  // Without a shared secret no peer can prove it belongs: the node runs alone, with no /cluster
  // namespace at all (so no link is accepted), rather than trust a guessable default.
  const transport = config.clusterSecret === undefined ? undefined : attachSocketIoTransport(node, { io, peers: peers.seeds, selfUrl: resolved.selfUrl, tls: tls.client });
  const peerNames = transport === undefined
    ? { stop: () => undefined }
    : watchPeerNames(config.peerNodes, peers, config.peerResolveIntervalMs, (now) => {
        logger.info({ peers: now.urls }, 'peer addresses changed');
        transport.setSeeds(now.seeds);
      }, options.lookup);
  const gateway = attachDashboardGateway(io, ctx);
  lifecycle.phase = 'ready';
  const url = `${tls.server === null ? 'http' : 'https'}://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ url, respPort: respListener?.port ?? null, advertised: resolved.selfUrl, peers: peers.urls, clustered: transport !== undefined, dataDir: config.dataDir ?? null }, 'meshcache node ready');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      lifecycle.phase = 'shutting-down';
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await respListener?.close();
      httpServer.closeIdleConnections();
      gateway.close();
      peerNames.stop();
      await transport?.close();
      // Dashboards on long-polling hold an HTTP request open: end every socket.io client first,
      // then the connections they leave idle.
      io.engine.close();
      httpServer.closeIdleConnections();
      // Requests in flight finish against a live node; past the timeout they are cut.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, config.shutdownTimeoutMs)))]);
      clearTimeout(timer);
      httpServer.closeAllConnections();
      await node.close();
      problems.close();
      await store?.close();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      logger.info('meshcache node stopped');
      // The log is written asynchronously: hand back only once it is out.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    })());

  return { url, port, context: ctx, httpServer, respPort: respListener?.port ?? null, close };
};
