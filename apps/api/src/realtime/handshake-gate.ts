import type { IncomingMessage } from 'node:http';
import { hasClientAuth } from '../config/exposure.js';
import type { RateLimits } from '../http/rate-limit.js';

type AllowRequest = (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void;

/**
 * socket.io's `allowRequest`: every new engine.io connection (dashboard or peer) counts against
 * the anonymous rate limit on a node with a token, since its credentials arrive only afterwards.
 * A node without a token trusts its clients alike and counts them against the authenticated one.
 */
export const handshakeGate = (config: { authToken?: string; jwtSecret?: string }, limits: RateLimits): AllowRequest => {
  const limiter = hasClientAuth(config) ? limits.anonymous : limits.authenticated;
  return (req, callback) => {
    if (!limiter) return callback(null, true);
    const admission = limiter.admit(req.socket.remoteAddress ?? '');
    callback(admission.ok ? null : 'Too many connection attempts', admission.ok);
  };
};
