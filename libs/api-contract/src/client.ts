import type { z } from 'zod';
import { buildPath, dotSegmentMessage, isDotSegment, routes, type RouteDefinition, type RouteInput, type RouteName, type RouteOutput, type Routes } from './routes.js';
import { compareHlc } from '@meshcache/sync-protocol';
import { AFTER_VERSION_HEADER, afterVersionHeaderSchema } from './schemas/after-version.js';
import { DEADLINE_HEADER } from './schemas/deadline.js';
import { errorBodySchema, errorCodeOfStatus, type ApiErrorCode, type ValidationIssue } from './schemas/errors.js';
import { describeIssues, toValidationIssues } from './validation.js';

/**
 * The part of an `AbortSignal` the client passes on (browsers and Node have it; typed here
 * because this library builds without DOM or Node types).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
}

/** `AbortSignal.timeout(ms)` where the platform has it. */
const signalAfter = (ms: number): AbortSignalLike | undefined => (globalThis as { AbortSignal?: { timeout(ms: number): AbortSignalLike } }).AbortSignal?.timeout(ms);

/** The subset of the WHATWG fetch API the client uses, so any fetch (browser, Node, undici, mocks) fits. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignalLike },
) => Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:5000`; `''` for same-origin requests from the dashboard. */
  readonly baseUrl: string;
  /** Bearer token (AUTH_TOKEN or a JWT) sent with every request. */
  readonly token?: string;
  readonly fetch?: FetchLike;
  /**
   * Give up on a write (every route with `write` access) after this many ms: the request carries
   * `X-Deadline-Ms` = now + this, so a node that comes to apply it later refuses it, and the call
   * resolves with `DEADLINE_EXCEEDED` when no answer came in time. Retrying elsewhere is then safe:
   * the abandoned write is either applied before the deadline or never.
   */
  readonly writeTimeoutMs?: number;
  /**
   * Order this client's writes with those of other clients sharing the session (one per node,
   * say): each write carries `X-After-Version` with the newest version any of them was answered
   * (the ETag of a write or of an item read), so last-writer-wins orders the writes of the
   * session as it made them, on whichever nodes, whatever their clocks. See {@link createSession}.
   */
  readonly session?: CausalSession;
}

/** The newest version a group of clients was answered; see `ClientOptions.session`. */
export interface CausalSession {
  newest: string | undefined;
}

/** A causal session to share between clients: `createClient({ baseUrl, session })`. */
export const createSession = (): CausalSession => ({ newest: undefined });

/** Keeps the newer of the session's version and an answer's ETag. */
const remember = (session: CausalSession, etag: string | null): void => {
  if (etag === null) return;
  const seen = afterVersionHeaderSchema.safeParse(etag);
  if (!seen.success) return;
  const held = session.newest === undefined ? undefined : afterVersionHeaderSchema.safeParse(session.newest);
  if (held?.success === true && compareHlc(seen.data, held.data) <= 0) return;
  session.newest = `${seen.data.wall}.${seen.data.logical}.${seen.data.node}`;
};

/** Codes of failures that happen on the client side of the wire. */
export type ClientErrorCode = ApiErrorCode | 'HTTP_ERROR' | 'NETWORK_ERROR' | 'INVALID_RESPONSE';

export interface ClientError {
  readonly code: ClientErrorCode;
  /** HTTP status, or null when no response arrived (network error, invalid input). */
  readonly status: number | null;
  readonly message: string;
  readonly issues?: ValidationIssue[];
}

export type ApiResult<T> = { readonly ok: true; readonly status: number; readonly data: T } | { readonly ok: false; readonly error: ClientError };

type Method<R extends RouteDefinition> = Record<never, never> extends RouteInput<R>
  ? (input?: RouteInput<R>) => Promise<ApiResult<RouteOutput<R>>>
  : (input: RouteInput<R>) => Promise<ApiResult<RouteOutput<R>>>;

/** One method per route of {@link routes}; every call resolves, failures are values. */
export type MeshcacheClient = { readonly [K in RouteName]: Method<Routes[K]> };

const fail = (code: ClientErrorCode, status: number | null, message: string, issues?: ValidationIssue[]): ApiResult<never> => ({
  ok: false,
  error: issues ? { code, status, message, issues } : { code, status, message },
});

/** Picks the fields a schema declares out of the merged input object. */
const pick = (schema: z.ZodObject | undefined, input: Record<string, unknown>): Record<string, unknown> | undefined => {
  if (!schema) return undefined;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(schema.shape)) {
    if (Object.prototype.hasOwnProperty.call(input, name) && input[name] !== undefined) out[name] = input[name];
  }
  return out;
};

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/**
 * A typed client for one meshcache node. Inputs are checked with the same schemas the server
 * uses before anything is sent; responses are checked on arrival.
 *
 * ```ts
 * const api = createClient({ baseUrl: 'http://127.0.0.1:5000' });
 * const r = await api.getItem({ key: 'user:1' });
 * if (r.ok) console.log(r.data.value.value); else console.log(r.error.code);
 * ```
 */
export const createClient = (options: ClientOptions): MeshcacheClient => {
  const globalFetch = (globalThis as { fetch?: FetchLike }).fetch;
  // Bound: browsers reject a detached `fetch` called with a foreign `this` ("Illegal invocation").
  const fetchImpl = options.fetch ?? globalFetch?.bind(globalThis);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  const call = async (def: RouteDefinition, rawInput: unknown): Promise<ApiResult<unknown>> => {
    if (!fetchImpl) return fail('NETWORK_ERROR', null, 'No fetch implementation: pass options.fetch');
    const input = (rawInput ?? {}) as Record<string, unknown>;
    const parts: { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: Record<string, unknown> } = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = def[part];
      if (!schema) continue;
      const parsed = schema.safeParse(pick(schema, input));
      if (!parsed.success) {
        const issues = toValidationIssues(parsed.error);
        return fail('VALIDATION_FAILED', null, `Invalid request: ${describeIssues(issues)}`, issues);
      }
      parts[part] = parsed.data as Record<string, unknown>;
    }
    const params = new Map(Object.entries(parts.params ?? {}).map(([k, v]) => [k, String(v)]));
    const dotted = [...params.values()].find(isDotSegment);
    if (dotted !== undefined) return fail('VALIDATION_FAILED', null, dotSegmentMessage(dotted));
    let url = baseUrl + buildPath(def.path, params);
    const query = Object.entries(parts.query ?? {}).filter(([, v]) => v !== undefined);
    if (query.length) url += '?' + query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');

    const headers: Record<string, string> = { accept: def.response === 'text' ? 'text/plain' : 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (def.body) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(parts.body);
    }

    if (def.access === 'write' && options.session?.newest !== undefined) headers[AFTER_VERSION_HEADER] = options.session.newest;
    const timeoutMs = def.access === 'write' ? options.writeTimeoutMs : undefined;
    const init: Parameters<FetchLike>[1] = body === undefined ? { method: def.method, headers } : { method: def.method, headers, body };
    if (timeoutMs !== undefined) {
      headers[DEADLINE_HEADER] = String(Date.now() + timeoutMs);
      const signal = signalAfter(timeoutMs);
      if (signal !== undefined) init.signal = signal;
    }

    let status: number;
    let text: string;
    try {
      const res = await fetchImpl(url, init);
      status = res.status;
      text = await res.text();
      if (options.session !== undefined && status >= 200 && status < 300) remember(options.session, res.headers.get('etag'));
    } catch (cause) {
      if (init.signal?.aborted === true) return fail('DEADLINE_EXCEEDED', null, `No answer from ${url} within ${timeoutMs} ms: the node will not apply the write after its deadline`);
      return fail('NETWORK_ERROR', null, `Request to ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }

    if (status < 200 || status >= 300) {
      const json = parseJson(text);
      const errorBody = json.ok ? errorBodySchema.safeParse(json.value) : undefined;
      const code = errorBody?.success && errorBody.data.code ? errorBody.data.code : (errorCodeOfStatus(status) ?? 'HTTP_ERROR');
      const message = errorBody?.success ? errorBody.data.message : `HTTP ${status}`;
      return fail(code, status, message, errorBody?.success ? errorBody.data.issues : undefined);
    }
    if (def.response === 'text') return { ok: true, status, data: text };
    const json = parseJson(text);
    if (!json.ok) return fail('INVALID_RESPONSE', status, 'Response is not JSON');
    if (def.response === 'json-document') return { ok: true, status, data: json.value };
    const parsed = def.response.safeParse(json.value);
    if (!parsed.success) return fail('INVALID_RESPONSE', status, `Unexpected response: ${describeIssues(toValidationIssues(parsed.error))}`);
    return { ok: true, status, data: parsed.data };
  };

  const client = new Map<string, (input?: unknown) => Promise<ApiResult<unknown>>>();
  for (const [name, def] of Object.entries(routes) as [RouteName, RouteDefinition][]) {
    client.set(name, (input?: unknown) => call(def, input));
  }
  return Object.freeze(Object.fromEntries(client)) as unknown as MeshcacheClient;
};
