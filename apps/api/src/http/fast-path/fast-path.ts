import { MAX_KEY_LENGTH, setItemBodySchema, validationErrorBody } from '@meshcache/api-contract';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import type { ServerContext } from '../../server/context.js';
import { itemView } from '../../views/item-views.js';
import { writeFailure } from '../../views/write-failure.js';
import { bearerToken } from '../auth.js';
import type { RateLimiter } from '../rate-limit.js';
import { errorBody } from '../send-error.js';
import type { HeaderList } from './static-headers.js';

const ITEM_PREFIX = '/api/cache/';
const COLLECTION = '/api/cache';
/** compression's default threshold: smaller bodies are sent as they are. */
const COMPRESS_THRESHOLD = 1024;
const NOT_FOUND_BODY = JSON.stringify({ success: false, code: 'NOT_FOUND', message: 'Key not found' });

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

  const authorized = (req: IncomingMessage, needsToken: boolean): boolean | undefined => {
    if (!needsToken) return true;
    return auth.verifyStatic(bearerToken(req.headers.authorization));
  };

  // What helmet, cors (credentials, an origin list) and compression set on every JSON answer.
  const baseHeaders = (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of deps.securityHeaders) res.setHeader(name, value);
    const origin = req.headers.origin;
    if (origin !== undefined && (deps.allowedOrigins === true || deps.allowedOrigins.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
    }
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin, Accept-Encoding');
  };

  const finish = (req: IncomingMessage, res: ServerResponse, route: string, status: number, body: string, start: number) => {
    const done = () => {
      const seconds = (performance.now() - start) / 1000;
      prometheus.observe(req.method ?? 'GET', route, status, seconds);
      if (accessLog) {
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        logger[level]({ req: { method: req.method, url: req.url }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) }, 'request completed');
      }
    };
    const accepts = body.length >= COMPRESS_THRESHOLD && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (!accepts) {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body, done);
      return;
    }
    gzip(body, (error, zipped) => {
      if (error) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': zipped.length });
      res.end(zipped, done);
    });
  };

  const reject401 = (req: IncomingMessage, res: ServerResponse, route: string, start: number) => {
    res.setHeader('WWW-Authenticate', 'Bearer');
    finish(req, res, route, 401, JSON.stringify(errorBody('UNAUTHORIZED', 'Missing or invalid bearer token: send Authorization: Bearer <AUTH_TOKEN or JWT>')), start);
  };

  const limited = (req: IncomingMessage, res: ServerResponse, then: () => void) => {
    if (!deps.rateLimiter) return then();
    deps.rateLimiter.admit(req, res).then((ok) => ok && then(), (error: unknown) => {
      logger.error({ err: error }, 'rate limiter failed');
      res.writeHead(500).end();
    });
  };

  const getItem = (req: IncomingMessage, res: ServerResponse, key: string, start: number) => {
    const route = '/api/cache/:key';
    baseHeaders(req, res);
    limited(req, res, () => {
      const ok = authorized(req, readNeedsToken);
      if (ok !== true) return reject401(req, res, route, start);
      const item = node.get(key);
      if (!item) return finish(req, res, route, 404, NOT_FOUND_BODY, start);
      finish(req, res, route, 200, JSON.stringify({ success: true, key, value: itemView(item) }), start);
    });
  };

  const setItem = (req: IncomingMessage, res: ServerResponse, start: number) => {
    const route = '/api/cache';
    baseHeaders(req, res);
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = () => finish(req, res, route, 413, JSON.stringify(errorBody('PAYLOAD_TOO_LARGE', `Body larger than the limit of ${deps.bodyLimitBytes} bytes`)), start);
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
      limited(req, res, () => {
        const ok = authorized(req, writeNeedsToken);
        if (ok !== true) return reject401(req, res, route, start);
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks, received).toString('utf8'));
        } catch (error) {
          return finish(req, res, route, 400, JSON.stringify(errorBody('INVALID_JSON', `Body is not valid JSON: ${(error as Error).message}`)), start);
        }
        if (parsed === null || typeof parsed !== 'object') {
          return finish(req, res, route, 400, JSON.stringify(errorBody('INVALID_JSON', 'Body is not valid JSON: expected an object or array')), start);
        }
        const body = setItemBodySchema.safeParse(parsed);
        if (!body.success) return finish(req, res, route, 400, JSON.stringify(validationErrorBody(body.error)), start);
        const { key, value, ttlMs } = body.data;
        const result = node.set(key, value, ttlMs === undefined ? {} : { ttlMs });
        if (!result.ok) {
          const failure = writeFailure(result);
          return finish(req, res, route, failure.status, JSON.stringify(errorBody(failure.code, result.message)), start);
        }
        finish(req, res, route, 200, JSON.stringify({ success: true, message: 'Item cached successfully', key }), start);
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
