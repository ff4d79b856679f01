import {
  DEFAULT_PAGE_LIMIT,
  DeltaBuffer,
  decodeCursor,
  getCacheStateRequestSchema,
  keyRangeOfView,
  setViewRequestSchema,
  SOCKET_EVENTS,
  socketAuthSchema,
  type CacheDeltaEvent,
  type CacheStateEvent,
  type ChangeNotice,
  type GetCacheStateRequest,
  type KeyRange,
  type MetricsUpdateEvent,
  statusOfError,
  strategyLabel,
  type ApiErrorCode,
} from '@meshcache/api-contract';
import type { Namespace, Server, Socket } from 'socket.io';
import { bearerToken } from '../http/auth.js';
import type { ServerContext } from '../server/context.js';
import { keyEntry } from '../views/item-views.js';
import { cacheMetrics, metricsView, nodeList } from '../views/metrics-views.js';

/**
 * Fails a dashboard handshake; the client sees `connect_error` with message `Unauthorized` and
 * `data` carrying the code and status of the contract's error table, as a REST 401 does.
 */
class SocketAuthError extends Error {
  readonly code: ApiErrorCode = 'UNAUTHORIZED';
  readonly data = { code: this.code, status: statusOfError(this.code) };
  constructor() {
    super('Unauthorized');
  }
}

/** How often batched key changes go out. */
const DELTA_INTERVAL_MS = 100;
/** Shortest time between two `cache-state` answers to one client. */
const STATE_INTERVAL_MS = 200;
/** Most keys of a tab's view one delta carries before it is sent as `truncated`. */
const MAX_DELTA_KEYS = 500;

/** The key range a `cache-state` page covers: more pages follow → it ends at its last key. */
const rangeOfPage = (prefix: string | undefined, after: string | undefined, keys: readonly string[], more: boolean): KeyRange => ({
  prefix: prefix ?? '',
  after,
  through: more ? keys[keys.length - 1] : undefined,
});

export interface DashboardGateway {
  close(): void;
}

/**
 * The dashboard's socket.io namespace `/`: a bounded page on connect, then batched deltas and
 * throttled metrics. Each tab has its own delta buffer that keeps only changes of the keys the
 * tab shows (its last `cache-state` page or `set-view`) and counts the rest, so a tab costs what
 * it displays, not what the cluster writes. Nothing is computed while no dashboard is connected.
 */
export const attachDashboardGateway = (io: Server, ctx: ServerContext): DashboardGateway => {
  const { node, auth, config } = ctx;
  const nsp: Namespace = io.of('/');
  // The dashboard shows what an operator watches (peers, metrics): PUBLIC_READS does not open it.
  const needsToken = auth.requires('observe');

  nsp.use((socket, next) => {
    if (!needsToken) return next();
    const fromAuth = socketAuthSchema.safeParse(socket.handshake.auth ?? {});
    const token = (fromAuth.success ? fromAuth.data.token : undefined) ?? bearerToken(socket.handshake.headers.authorization);
    const refuse = () => {
      // A failed attempt counts against the anonymous limit, so tokens cannot be guessed at speed.
      ctx.limits.anonymous?.admit(socket.handshake.address);
      next(new SocketAuthError());
    };
    auth.verify(token).then((ok) => (ok ? next() : refuse()), refuse);
  });

  const buffers = new Map<Socket, DeltaBuffer>();

  /** The page a request asks for; the socket's deltas follow that page from now on. */
  const cacheState = (socket: Socket, request: GetCacheStateRequest): CacheStateEvent => {
    const after = request?.cursor === undefined ? undefined : decodeCursor(request.cursor);
    const page = ctx.keys.page({ prefix: request?.prefix, after, limit: request?.limit ?? DEFAULT_PAGE_LIMIT });
    buffers.get(socket)?.setView(rangeOfPage(request?.prefix, after, page.keys, page.nextCursor !== null));
    return {
      nodeId: config.nodeId,
      strategy: strategyLabel(node.cache.strategy),
      syncEnabled: node.syncEnabled,
      items: page.keys.map((k) => keyEntry(node, k)).filter((e) => e !== undefined),
      nextCursor: page.nextCursor,
      totalKeys: ctx.keys.count(request?.prefix),
      metrics: cacheMetrics(node),
    };
  };

  nsp.on('connection', (socket: Socket) => {
    buffers.set(socket, new DeltaBuffer(MAX_DELTA_KEYS, null));
    socket.emit(SOCKET_EVENTS.cacheState, cacheState(socket, undefined));
    socket.emit(SOCKET_EVENTS.nodeListUpdate, nodeList(ctx));
    // A page costs a pass over every key: requests closer together than STATE_INTERVAL_MS are
    // coalesced, and only the latest one is answered.
    let lastAnswer = 0;
    let pending: GetCacheStateRequest | null = null;
    let timer: NodeJS.Timeout | undefined;
    const answer = () => {
      timer = undefined;
      lastAnswer = Date.now();
      const request = pending ?? undefined;
      pending = null;
      if (socket.connected) socket.emit(SOCKET_EVENTS.cacheState, cacheState(socket, request));
    };
    socket.on(SOCKET_EVENTS.getCacheState, (payload: unknown) => {
      const request = getCacheStateRequestSchema.safeParse(payload ?? undefined);
      pending = request.success ? (request.data ?? null) : null;
      if (timer) return;
      const wait = lastAnswer + STATE_INTERVAL_MS - Date.now();
      if (wait <= 0) answer();
      else timer = setTimeout(answer, wait);
    });
    // A malformed view is ignored: the tab keeps the view it had, it is never widened by garbage.
    // The optional acknowledgement tells the tab (and tests) from when its deltas follow the view.
    socket.on(SOCKET_EVENTS.setView, (payload: unknown, ack: unknown) => {
      const view = setViewRequestSchema.safeParse(payload);
      if (view.success) buffers.get(socket)?.setView(keyRangeOfView(view.data));
      if (typeof ack === 'function') ack({ ok: view.success });
    });
    socket.on('disconnect', () => {
      clearTimeout(timer);
      buffers.delete(socket);
    });
  });

  const onChange = (change: ChangeNotice) => {
    // Called on every write: without a dashboard open, not even an iterator is made.
    if (buffers.size === 0) return;
    for (const buffer of buffers.values()) buffer.add(change);
  };
  node.on('change', onChange);

  const deltaTimer = setInterval(() => {
    if (buffers.size === 0) return;
    const strategy = strategyLabel(node.cache.strategy);
    const entryOf = (k: string) => keyEntry(node, k);
    for (const [socket, buffer] of buffers) {
      if (buffer.empty) continue;
      const { changes, truncated, elsewhere } = buffer.drain(entryOf, strategy);
      const event: CacheDeltaEvent = { nodeId: config.nodeId, changes, truncated, elsewhere, totalKeys: ctx.keys.count(buffer.viewPrefix), timestamp: Date.now() };
      socket.emit(SOCKET_EVENTS.cacheDelta, event);
    }
  }, DELTA_INTERVAL_MS);

  const metricsTimer = setInterval(() => {
    if (nsp.sockets.size === 0) return;
    const { cache, sync, server } = metricsView(ctx);
    const event: MetricsUpdateEvent = { ...cache, nodeId: config.nodeId, timestamp: Date.now(), sync, server };
    // Volatile: a dashboard that cannot keep up skips a tick rather than queueing stale metrics.
    nsp.volatile.emit(SOCKET_EVENTS.metricsUpdate, event);
  }, config.metricsIntervalMs);

  const onNodes = () => {
    if (nsp.sockets.size > 0) nsp.emit(SOCKET_EVENTS.nodeListUpdate, nodeList(ctx));
  };
  node.on('nodes', onNodes);

  deltaTimer.unref();
  metricsTimer.unref();
  return {
    close() {
      clearInterval(deltaTimer);
      clearInterval(metricsTimer);
      node.off('change', onChange);
      node.off('nodes', onNodes);
      nsp.disconnectSockets(true);
    },
  };
};
