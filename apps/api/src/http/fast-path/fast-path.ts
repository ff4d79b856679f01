import { MAX_KEY_LENGTH, routes, setItemBodySchema, WRITE_CONCERN_HEADER } from '@meshcache/api-contract';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../../server/context.js';
import { accessLogLevel } from '../access-log.js';
import { bearerToken } from '../auth.js';
import { bodyText } from '../body-text.js';
import { readItemReply, setItemReply } from '../item-replies.js';
import { sendReply, type Reply } from '../json-response.js';
import { API_SECURITY_HEADERS } from '../middleware/security.js';
import type { RateLimits } from '../rate-limit.js';
import { hostGuard } from '../middleware/host-guard.js';
import { writeRefusal } from '../write-deadline.js';
import { errorReply, invalidJsonReply, payloadTooLargeReply, refusedTokenReply, UNAUTHORIZED_REPLY, unauthorizedHeaders, validationReply } from '../send-error.js';

/** `/api/cache/` of `/api/cache/:key`: the route table's path up to its parameter. */
const ITEM_PREFIX = routes.getItem.path.slice(0, routes.getItem.path.indexOf(':'));
const COLLECTION = routes.setItem.path;

export interface FastPathDeps {
  readonly allowedOrigins: readonly string[] | true;
  readonly limits: RateLimits;
  readonly bodyLimitBytes: number;
}

/** Handles the request, or returns false to leave it to the Express stack. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What the token check and rate limit decided: a refusal to send instead, and headers either way. */
interface Gate {
  readonly refused: Reply | undefined;
  readonly headers: string[];
}

/**
 * The two hottest routes, `GET /api/cache/:key` and `POST /api/cache`, served without the
 * Express stack but through the same pieces: the token check, the rate limits, the contract's
 * schema, the item replies, the error table and the one JSON writer (`sendJson`), plus the same
 * security and cors headers, metrics and the access log. Anything unusual (a query
 * string, a malformed key, a compressed or non-JSON body, a JWT, the loading phase) goes to
 * Express. Profiling showed the per-request middleware chain, not the cache, dominating.
 */
export const createFastPath = (ctx: ServerContext, deps: FastPathDeps): FastPath => {
  const { node, auth, logger, prometheus, lifecycle, config } = ctx;
  const readNeedsToken = auth.requires('read');
  const writeNeedsToken = auth.requires('write');
  const accessLog = config.accessLog;

  const respond = (req: IncomingMessage, res: ServerResponse, route: string, start: number, reply: Reply, extra: readonly string[]) => {
    // What apiSecurityHeaders and cors (credentials, an origin list) set on a JSON answer in the Express stack.
    const headers = API_SECURITY_HEADERS.slice();
    const origin = req.headers.origin;
    if (origin !== undefined && (deps.allowedOrigins === true || deps.allowedOrigins.includes(origin))) headers.push('Access-Control-Allow-Origin', origin);
    headers.push('Access-Control-Allow-Credentials', 'true');
    for (const h of extra) headers.push(h);
    const status = reply.status ?? 200;
    sendReply(req, res, reply, headers, () => {
      const seconds = (performance.now() - start) / 1000;
      prometheus.observe(req.method ?? 'GET', route, status, seconds);
      if (!accessLog) return;
      const level = accessLogLevel(status);
      if (level !== 'silent') logger[level]({ req: { method: req.method, url: req.url }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) }, 'request completed');
    });
  };

  /** The same decisions as the `authenticate` and `requireAccess` middleware. */
  const gate = (req: IncomingMessage, needsToken: boolean, authenticated: boolean): Gate => {
    const limiter = authenticated ? deps.limits.authenticated : deps.limits.anonymous;
    const admission = limiter?.admit(req.socket.remoteAddress ?? '');
    const headers = admission ? admission.headers : [];
    if (admission && !admission.ok) return { refused: errorReply('RATE_LIMITED', admission.message), headers };
    if (needsToken && !authenticated) {
      for (const h of unauthorizedHeaders()) headers.push(h);
      // As `authenticate` words it: the fast path decides only on the static token.
      return { refused: bearerToken(req.headers.authorization) === undefined ? UNAUTHORIZED_REPLY : refusedTokenReply('it is not AUTH_TOKEN'), headers };
    }
    return { refused: undefined, headers };
  };

  const getItem = (req: IncomingMessage, res: ServerResponse, key: string, authenticated: boolean, start: number) => {
    const g = gate(req, readNeedsToken, authenticated);
    respond(req, res, routes.getItem.path, start, g.refused ?? readItemReply(node, key, req.headers['if-none-match']), g.headers);
  };

  const setItem = (req: IncomingMessage, res: ServerResponse, authenticated: boolean, start: number) => {
    const route = routes.setItem.path;
    const answer = (reply: Reply, headers: readonly string[]) => respond(req, res, route, start, reply, headers);
    // Decided before a byte of the body is read: a refused client's body is never read.
    const g = gate(req, writeNeedsToken, authenticated);
    if (g.refused) return answer(g.refused, g.headers);
    const tooLarge = () => answer(payloadTooLargeReply(deps.bodyLimitBytes), g.headers);
    if (Number(req.headers['content-length'] ?? 0) > deps.bodyLimitBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let received = 0;
    let aborted = false;
    req.on('data', (chunk: Buffer) => {
      if (aborted) return;
      received += chunk.length;
      if (received > deps.bodyLimitBytes) {
        aborted = true;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (aborted) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(bodyText(Buffer.concat(chunks, received)));
      } catch (error) {
        return answer(invalidJsonReply(error), g.headers);
      }
      const body = setItemBodySchema.safeParse(parsed);
      if (!body.success) return answer(validationReply(body.error), g.headers);
      void writeRefusal(req, node).then((refused) => answer(refused ?? setItemReply(node, body.data), g.headers));
    });
  };

  /** True or false from the static token; undefined when only a JWT check can tell (Express waits for it). */
  const authenticatedNow = (req: IncomingMessage): boolean | undefined => auth.open || auth.verifyStatic(bearerToken(req.headers.authorization));

  const hostAllowed = hostGuard(config);
  return (req, res) => {
    // A Host to refuse: the Express stack answers it, with the one refusal message.
    if (lifecycle.phase !== 'ready' || (hostAllowed !== null && !hostAllowed(req.headers.host))) return false;
    const url = req.url ?? '';
    const method = req.method;
    if (method === 'GET' && url.startsWith(ITEM_PREFIX) && url.length > ITEM_PREFIX.length) {
      const raw = url.slice(ITEM_PREFIX.length);
      if (raw.includes('/') || raw.includes('?') || raw.length > MAX_KEY_LENGTH * 9) return false;
      const authenticated = authenticatedNow(req);
      if (authenticated === undefined) return false;
      let key: string;
      try {
        key = decodeURIComponent(raw);
      } catch {
        return false;
      }
      if (key.length > MAX_KEY_LENGTH) return false;
      getItem(req, res, key, authenticated, performance.now());
      return true;
    }
    if (method === 'POST' && url === COLLECTION) {
      const type = req.headers['content-type'];
      if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return false;
      if (req.headers['content-encoding'] !== undefined || req.headers[WRITE_CONCERN_HEADER] !== undefined) return false;
      const authenticated = authenticatedNow(req);
      if (authenticated === undefined) return false;
      setItem(req, res, authenticated, performance.now());
      return true;
    }
    return false;
  };
};
