import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './send-error.js';

export interface RateLimiter {
  /** The express-rate-limit middleware for the Express stack. */
  readonly middleware: RequestHandler;
  /** The same limit for the fast path: false (and a 429 sent) when the client is over it. */
  admit(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/** One counter store shared by both paths, keyed by client address (IPv6 by /56 subnet). */
export const createRateLimiter = (limit: number, windowMs: number): RateLimiter => {
  const store = new MemoryStore();
  const message = `Too many requests: at most ${limit} per ${windowMs / 1000} s`;
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  const keyOf = (req: IncomingMessage) => ipKeyGenerator((req as Request).ip ?? req.socket.remoteAddress ?? '');
  const middleware = rateLimit({
    windowMs,
    limit,
    store,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => keyOf(req),
    validate: { trustProxy: false, keyGeneratorIpFallback: false },
    handler: (_req, res) => {
      res.status(429).json(errorBody('RATE_LIMITED', message));
    },
  });
  return {
    middleware,
    async admit(req, res) {
      const { totalHits, resetTime } = await store.increment(keyOf(req));
      const reset = Math.max(0, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
      res.setHeader('RateLimit-Policy', policy);
      res.setHeader('RateLimit', `limit=${limit}, remaining=${Math.max(0, limit - totalHits)}, reset=${reset}`);
      if (totalHits <= limit) return true;
      const body = JSON.stringify(errorBody('RATE_LIMITED', message));
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': String(reset) });
      res.end(body);
      return false;
    },
  };
};
