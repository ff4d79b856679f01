import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import type { IncomingMessage } from 'node:http';
import { errorBody } from './send-error.js';

/** The fast path's verdict: headers to send either way; `ok: false` means answer 429 with `message`. */
export interface Admission {
  readonly ok: boolean;
  /** Flat `[name, value, name, value, ...]`, as `writeHead` takes them. */
  readonly headers: string[];
  readonly message: string;
}

export interface RateLimiter {
  /** The express-rate-limit middleware for the Express stack. */
  readonly middleware: RequestHandler;
  /** The same limit for the fast path, counted in the same store. */
  admit(req: IncomingMessage): Promise<Admission>;
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
    async admit(req) {
      const { totalHits, resetTime } = await store.increment(keyOf(req));
      const reset = Math.max(0, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
      const headers = ['RateLimit-Policy', policy, 'RateLimit', `limit=${limit}, remaining=${Math.max(0, limit - totalHits)}, reset=${reset}`];
      if (totalHits <= limit) return { ok: true, headers, message };
      headers.push('Retry-After', String(reset));
      return { ok: false, headers, message };
    },
  };
};
