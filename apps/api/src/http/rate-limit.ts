import { ipKeyGenerator } from 'express-rate-limit';
import type { Logger } from 'pino';

/** A verdict: headers to send either way; `ok: false` means answer 429 with `message`. */
export interface Admission {
  readonly ok: boolean;
  /** Flat `[name, value, name, value, ...]`, as `writeHead` takes them. */
  readonly headers: string[];
  readonly message: string;
}

export interface RateLimiter {
  /** Counts one request of the client at `address` (IPv6 by /56 subnet, one holder's block). */
  admit(address: string): Admission;
  /** True while the client at `address` is over the limit (counts nothing). */
  blocked(address: string): boolean;
}

/**
 * Fixed-window counters per client, synchronous so both the fast path and Express call the same
 * code without a promise per request. The table is dropped at every window boundary, so it holds
 * at most the clients of one window. A client going over the limit is logged once per window,
 * not once per refused request.
 */
export const createRateLimiter = (name: string, limit: number, windowMs: number, logger: Logger, now: () => number = Date.now): RateLimiter => {
  const counts = new Map<string, number>();
  let windowEnd = 0;
  const message = `Too many requests: at most ${limit} per ${windowMs / 1000} s`;
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  const roll = (t: number) => {
    if (t >= windowEnd) {
      counts.clear();
      windowEnd = t + windowMs;
    }
  };
  return {
    blocked(address) {
      roll(now());
      return (counts.get(ipKeyGenerator(address)) ?? 0) >= limit;
    },
    admit(address) {
      const t = now();
      roll(t);
      const key = ipKeyGenerator(address);
      const hits = (counts.get(key) ?? 0) + 1;
      counts.set(key, hits);
      const reset = Math.ceil((windowEnd - t) / 1000);
      const headers = ['RateLimit-Policy', policy, 'RateLimit', `limit=${limit}, remaining=${Math.max(0, limit - hits)}, reset=${reset}`];
      if (hits <= limit) return { ok: true, headers, message };
      if (hits === limit + 1) logger.warn({ client: key, limiter: name, limit, windowMs }, 'client throttled until the window ends (logged once per window)');
      headers.push('Retry-After', String(reset));
      return { ok: false, headers, message };
    },
  };
};

/**
 * The two limits: clients without a valid token when the node has one (public reads, failed
 * auth, socket.io handshakes, /metrics), and clients with one (or everyone on a node without a
 * token: its clients are its own applications, which a cache must not throttle by default).
 */
export interface RateLimits {
  readonly anonymous?: RateLimiter;
  readonly authenticated?: RateLimiter;
}

export const createRateLimits = (
  config: { rateLimitMax: number; rateLimitAuthenticatedMax: number; rateLimitWindowMs: number },
  logger: Logger,
): RateLimits => ({
  ...(config.rateLimitMax > 0 ? { anonymous: createRateLimiter('anonymous', config.rateLimitMax, config.rateLimitWindowMs, logger) } : {}),
  ...(config.rateLimitAuthenticatedMax > 0 ? { authenticated: createRateLimiter('authenticated', config.rateLimitAuthenticatedMax, config.rateLimitWindowMs, logger) } : {}),
});
