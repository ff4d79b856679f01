import type { z } from 'zod';
import {
  bulkSetBodySchema,
  bulkSetResponseSchema,
  clearResponseSchema,
  deleteItemResponseSchema,
  deleteMatchingBodySchema,
  deleteMatchingResponseSchema,
  getItemResponseSchema,
  keyParamsSchema,
  listKeysQuerySchema,
  listKeysResponseSchema,
  setItemBodySchema,
  setItemResponseSchema,
  writeConcernQuerySchema,
  setStrategyBodySchema,
  setStrategyResponseSchema,
} from './schemas/cache.js';
import { clusterMetricsResponseSchema, clusterToggleSyncBodySchema, clusterToggleSyncResponseSchema } from './schemas/cluster.js';
import { healthResponseSchema } from './schemas/health.js';
import { metricsResponseSchema } from './schemas/metrics.js';
import {
  forceSyncResponseSchema,
  historyQuerySchema,
  historyResponseSchema,
  syncStatusResponseSchema,
  toggleSyncBodySchema,
  toggleSyncResponseSchema,
} from './schemas/sync.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * Who may call a route when the server has a token configured: `public` always, `read` unless
 * reads are closed (the default), `observe` and `write` only with the token. `observe` is what
 * an operator watches (metrics, replication state, the peers' ids and addresses): PUBLIC_READS
 * opens the cache's reads, never those (it used to open `/metrics` and the dashboard socket).
 */
export type RouteAccess = 'public' | 'read' | 'observe' | 'write';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Express-style path; `:key` segments are URL-encoded by the client. */
  readonly path: string;
  readonly summary: string;
  readonly access: RouteAccess;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodObject;
  /** `text` for plain-text responses (`/ping`, `/metrics`). */
  readonly response: z.ZodType | 'text' | 'json-document';
  /** Documented non-2xx statuses besides the ones every route may give (401, 429, 500). */
  readonly errors: readonly number[];
}

const route = <const R extends RouteDefinition>(r: R): R => r;

/** Every HTTP route of a meshcache node, keyed by the typed client's method name. */
export const routes = {
  ping: route({ method: 'GET', path: '/ping', summary: 'Liveness: `pong - <ISO time>`', access: 'public', response: 'text', errors: [] }),
  health: route({
    method: 'GET',
    path: '/health',
    summary: 'Readiness: 200 when serving (healthy, or degraded with the problems listed), 503 while loading from disk or shutting down',
    access: 'public',
    response: healthResponseSchema,
    errors: [503],
  }),
  listKeys: route({
    method: 'GET',
    path: '/api/cache',
    summary: 'Page through keys in lexicographic order, optionally by prefix',
    access: 'read',
    query: listKeysQuerySchema,
    response: listKeysResponseSchema,
    errors: [400],
  }),
  getItem: route({
    method: 'GET',
    path: '/api/cache/:key',
    summary: 'Read one item (counts as an access for LRU/LFU)',
    access: 'read',
    params: keyParamsSchema,
    response: getItemResponseSchema,
    errors: [400, 404],
  }),
  setItem: route({
    method: 'POST',
    path: '/api/cache',
    summary: 'Write one item, replicated to peers; 202 when the asked durability was not reached in time',
    access: 'write',
    query: writeConcernQuerySchema,
    body: setItemBodySchema,
    response: setItemResponseSchema,
    errors: [400, 413, 504, 507],
  }),
  deleteItem: route({
    method: 'DELETE',
    path: '/api/cache/:key',
    summary: 'Delete one item, replicated to peers; 202 when the asked durability was not reached in time',
    access: 'write',
    params: keyParamsSchema,
    query: writeConcernQuerySchema,
    response: deleteItemResponseSchema,
    errors: [400, 404, 504],
  }),
  deleteMatching: route({
    method: 'POST',
    path: '/api/cache/delete-matching',
    summary: 'Delete the keys matching a glob, at most `limit` per call; each delete is replicated to peers like DELETE /api/cache/:key',
    access: 'write',
    body: deleteMatchingBodySchema,
    response: deleteMatchingResponseSchema,
    errors: [400, 504, 507],
  }),
  clear: route({ method: 'DELETE', path: '/api/cache', summary: 'Remove every item, replicated to peers', access: 'write', response: clearResponseSchema, errors: [504] }),
  bulkSet: route({
    method: 'POST',
    path: '/api/cache/bulk',
    summary: 'Write many items; valid ones are applied, invalid ones reported in `failed`; 202 when the asked durability was not reached in time',
    access: 'write',
    query: writeConcernQuerySchema,
    body: bulkSetBodySchema,
    response: bulkSetResponseSchema,
    errors: [400, 413, 504],
  }),
  setStrategy: route({
    method: 'POST',
    path: '/api/strategy',
    summary: 'Switch the eviction strategy, keeping every item; replicated to peers',
    access: 'write',
    body: setStrategyBodySchema,
    response: setStrategyResponseSchema,
    errors: [400, 504],
  }),
  metrics: route({ method: 'GET', path: '/api/metrics', summary: 'Cache, sync and server metrics', access: 'observe', response: metricsResponseSchema, errors: [] }),
  syncStatus: route({ method: 'GET', path: '/api/sync/status', summary: 'Replication state and peers', access: 'observe', response: syncStatusResponseSchema, errors: [] }),
  toggleSync: route({
    method: 'POST',
    path: '/api/sync/toggle',
    summary: 'Turn replication on or off (flips without a body)',
    access: 'write',
    body: toggleSyncBodySchema,
    response: toggleSyncResponseSchema,
    errors: [400, 504],
  }),
  forceSync: route({ method: 'POST', path: '/api/sync/force', summary: 'Resynchronize with every peer now', access: 'write', response: forceSyncResponseSchema, errors: [504] }),
  syncHistory: route({
    method: 'GET',
    path: '/api/sync/history',
    summary: 'Recent replication events, newest first',
    access: 'observe',
    query: historyQuerySchema,
    response: historyResponseSchema,
    errors: [400],
  }),
  clusterMetrics: route({
    method: 'GET',
    path: '/api/cluster/metrics',
    summary: "Every node's GET /api/metrics, collected by this node with the caller's credentials; an unreachable node is listed with its error",
    access: 'observe',
    response: clusterMetricsResponseSchema,
    errors: [],
  }),
  clusterToggleSync: route({
    method: 'POST',
    path: '/api/cluster/sync/toggle',
    summary: "Turn replication on or off on every node (this node's POST /api/sync/toggle sent to each, with the caller's credentials); says which nodes did not confirm",
    access: 'write',
    body: clusterToggleSyncBodySchema,
    response: clusterToggleSyncResponseSchema,
    errors: [400, 504],
  }),
  openapi: route({ method: 'GET', path: '/api/openapi.json', summary: 'This API as an OpenAPI 3.1 document', access: 'public', response: 'json-document', errors: [] }),
  prometheus: route({ method: 'GET', path: '/metrics', summary: 'Prometheus metrics (text exposition format)', access: 'observe', response: 'text', errors: [] }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type InputOf<S> = S extends z.ZodType ? z.input<S> : unknown;
/** What the typed client takes for a route: path params, query and body fields in one object. */
export type RouteInput<R extends RouteDefinition> = InputOf<R['params']> & InputOf<R['query']> & InputOf<R['body']>;
/** What a successful call returns: the parsed JSON body, or text for text routes. */
export type RouteOutput<R extends RouteDefinition> = R['response'] extends z.ZodType
  ? z.output<R['response']>
  : R['response'] extends 'json-document'
    ? Record<string, unknown>
    : string;

/**
 * `.` and `..` (also as `%2E`) are path steps to every WHATWG URL parser (fetch, browsers): sent
 * as a key they name another key, `GET /api/cache/.` reading and `DELETE` deleting the empty
 * key. The server takes them from a raw request (`curl --path-as-is`), the Redis protocol too;
 * a client built on fetch must refuse them.
 */
export const isDotSegment = (value: string): boolean => value === '.' || value === '..';
export const dotSegmentMessage = (value: string): string =>
  `the key ${JSON.stringify(value)} cannot travel in a URL path: fetch and browsers read it as a path step and would reach another key; use the Redis protocol, or a raw HTTP request (curl --path-as-is .../api/cache/${value === '.' ? '%2E' : '%2E%2E'})`;

/** Fills `:name` segments of a route path, URL-encoding each value. */
export const buildPath = (path: string, params: ReadonlyMap<string, string>): string =>
  path.replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(params.get(name) ?? ''));
