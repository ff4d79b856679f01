import { MAX_KEY_LENGTH, setItemBodySchema, validationErrorBody } from '@meshcache/api-contract';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import type { ServerContext } from '../../server/context.js';
import { bearerToken } from '../auth.js';
import { readItemReply, setItemReply } from '../item-replies.js';
import { invalidJsonBody, payloadTooLargeBody } from '../middleware/error-handler.js';
import { UNAUTHORIZED_BODY } from '../middleware/require-access.js';
import type { RateLimiter } from '../rate-limit.js';
import { errorBody } from '../send-error.js';
import type { HeaderList } from './static-headers.js';

const ITEM_PREFIX = '/api/cache/';
const COLLECTION = '/api/cache';
/** compression's default threshold: smaller bodies are sent as they are. */
const COMPRESS_THRESHOLD = 1024;

/** The rate limiter's header list plus a reply's own headers. */
const withHeaders = (list: readonly string[], extra: Readonly<Record<string, string>> | undefined): readonly string[] =>
  extra === undefined ? list : [...list, ...Object.entries(extra).flat()];

export interface FastPathDeps {
  readonly securityHeaders: HeaderList;
  readonly allowedOrigins: readonly string[] | true;
  readonly rateLimiter: RateLimiter | undefined;
  readonly bodyLimitBytes: number;
}

/** Handles the request, or returns false to leave it to the Express stack. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The two hottest routes, `GET /api/cache/:key` and `POST /api/cache`, served without the
 * Express stack but with the same behaviour: helmet's headers (captured once), CORS, the shared
 * rate limiter, bearer auth, the contract's schema, compression above 1 KiB, metrics and the
 * access log. Anything unusual (a query string, a malformed key, a compressed or non-JSON
 * body, a JWT, the loading phase) goes to Express, which stays the reference behaviour.
 * Profiling showed the per-request middleware chain, not the cache, dominating the hot path.
 */
export const createFastPath = (ctx: ServerContext, deps: FastPathDeps): FastPath => {
  const { node, auth, logger, prometheus, lifecycle, config } = ctx;
  const readNeedsToken = auth.requires('read');
  const writeNeedsToken = auth.requires('write');
  const accessLog = config.accessLog;
  const securityHeaders = deps.securityHeaders.flat();

  const authorized = (req: IncomingMessage, needsToken: boolean): boolean | undefined => {
    if (!needsToken) return true;
    return auth.verifyStatic(bearerToken(req.headers.authorization));
  };

  /**
   * One `writeHead` with every header as a flat list: what helmet, cors (credentials, an origin
   * list) and compression set on a JSON answer, plus the route's own (`extra`). Node skips its
   * per-header map when nothing was set before.
   */
  const respond = (req: IncomingMessage, res: ServerResponse, route: string, status: number, body: string, start: number, extra: readonly string[]) => {
    const headers = securityHeaders.slice();
    const origin = req.headers.origin;
    if (origin !== undefined && (deps.allowedOrigins === true || deps.allowedOrigins.includes(origin))) headers.push('Access-Control-Allow-Origin', origin);
    headers.push('Access-Control-Allow-Credentials', 'true', 'Vary', 'Origin, Accept-Encoding', 'Content-Type', 'application/json; charset=utf-8');
    for (const h of extra) headers.push(h);
    const done = () => {
      const seconds = (performance.now() - start) / 1000;
      prometheus.observe(req.method ?? 'GET', route, status, seconds);
      if (accessLog) {
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        logger[level]({ req: { method: req.method, url: req.url }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) }, 'request completed');
      }
    };
    const compress = body.length >= COMPRESS_THRESHOLD && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (!compress) {
      headers.push('Content-Length', String(Buffer.byteLength(body)));
      res.writeHead(status, headers);
      res.end(body, done);
      return;
    }
    gzip(body, (error, zipped) => {
      if (error) {
        res.writeHead(500).end();
        return;
      }
      headers.push('Content-Encoding', 'gzip', 'Content-Length', String(zipped.length));
      res.writeHead(status, headers);
      res.end(zipped, done);
    });
  };

  const UNAUTHORIZED = JSON.stringify(UNAUTHORIZED_BODY);

  /** Runs `then` with the rate limiter's headers, or answers 429. */
  const limited = (req: IncomingMessage, res: ServerResponse, route: string, start: number, then: (headers: readonly string[]) => void) => {
    if (!deps.rateLimiter) return then([]);
    deps.rateLimiter.admit(req).then(
      (admission) => {
        if (admission.ok) then(admission.headers);
        else respond(req, res, route, 429, JSON.stringify(errorBody('RATE_LIMITED', admission.message)), start, admission.headers);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'rate limiter failed');
        res.writeHead(500).end();
      },
    );
  };

  const getItem = (req: IncomingMessage, res: ServerResponse, key: string, start: number) => {
    const route = '/api/cache/:key';
    limited(req, res, route, start, (headers) => {
      if (authorized(req, readNeedsToken) !== true) return respond(req, res, route, 401, UNAUTHORIZED, start, [...headers, 'WWW-Authenticate', 'Bearer']);
      const reply = readItemReply(node, key, req.headers['if-none-match']);
      respond(req, res, route, reply.status ?? 200, reply.status === 304 ? '' : JSON.stringify(reply.body), start, withHeaders(headers, reply.headers));
    });
  };

  const setItem = (req: IncomingMessage, res: ServerResponse, start: number) => {
    const route = '/api/cache';
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = () => respond(req, res, route, 413, JSON.stringify(payloadTooLargeBody(deps.bodyLimitBytes)), start, []);
    if (declared > deps.bodyLimitBytes) {
      req.resume();
      return tooLarge();
    }
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
      limited(req, res, route, start, (headers) => {
        const answer = (status: number, body: unknown) => respond(req, res, route, status, JSON.stringify(body), start, headers);
        if (authorized(req, writeNeedsToken) !== true) return respond(req, res, route, 401, UNAUTHORIZED, start, [...headers, 'WWW-Authenticate', 'Bearer']);
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks, received).toString('utf8'));
        } catch (error) {
          return answer(400, invalidJsonBody((error as Error).message));
        }
        if (parsed === null || typeof parsed !== 'object') return answer(400, invalidJsonBody('expected an object or array'));
        const body = setItemBodySchema.safeParse(parsed);
        if (!body.success) return answer(400, validationErrorBody(body.error));
        const reply = setItemReply(node, body.data);
        respond(req, res, route, reply.status ?? 200, JSON.stringify(reply.body), start, withHeaders(headers, reply.headers));
      });
    });
  };

  return (req, res) => {
    if (lifecycle.phase !== 'ready') return false;
    const url = req.url ?? '';
    const method = req.method;
    if (method === 'GET' && url.startsWith(ITEM_PREFIX) && url.length > ITEM_PREFIX.length) {
      const raw = url.slice(ITEM_PREFIX.length);
      if (raw.includes('/') || raw.includes('?') || raw.length > MAX_KEY_LENGTH * 9) return false;
      // A token that needs a JWT check goes through Express, which can wait for it.
      if (readNeedsToken && authorized(req, true) === undefined) return false;
      let key: string;
      try {
        key = decodeURIComponent(raw);
      } catch {
        return false;
      }
      if (key.length > MAX_KEY_LENGTH) return false;
      getItem(req, res, key, performance.now());
      return true;
    }
    if (method === 'POST' && url === COLLECTION) {
      const type = req.headers['content-type'];
      if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return false;
      if (req.headers['content-encoding'] !== undefined) return false;
      if (writeNeedsToken && authorized(req, true) === undefined) return false;
      setItem(req, res, performance.now());
      return true;
    }
    return false;
  };
};
