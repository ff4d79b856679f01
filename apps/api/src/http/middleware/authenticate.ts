import type { NextFunction, Request, Response } from 'express';
import { bearerToken, type Authenticator } from '../auth.js';
import type { RateLimits } from '../rate-limit.js';
import { sendError } from '../send-error.js';

/** Set by {@link authenticate}: whether this request may pass a token-guarded route. */
export const isAuthenticated = (res: Response): boolean => res.locals.authenticated === true;

/** Set by {@link authenticate}: why the token sent was refused (undefined: none was sent, or it was accepted). */
export const tokenRefusal = (res: Response): string | undefined => res.locals.tokenRefusal as string | undefined;

/**
 * Checks the bearer token once per request (a JWT costs a signature check) before anything is
 * read, then counts the request against the limit of its kind: anonymous or authenticated.
 * Which routes need the token is decided by each route's `requireAccess`.
 */
export const authenticate = (auth: Authenticator, limits: RateLimits) => (req: Request, res: Response, next: NextFunction): void => {
  const decided = (ok: boolean) => {
    res.locals.authenticated = ok;
    const limiter = ok ? limits.authenticated : limits.anonymous;
    if (!limiter) return next();
    const admission = limiter.admit(req.ip ?? req.socket.remoteAddress ?? '');
    if (!admission.ok) return sendError(req, res, 'RATE_LIMITED', admission.message, admission.headers);
    for (let i = 0; i < admission.headers.length; i += 2) res.setHeader(admission.headers[i], admission.headers[i + 1]);
    next();
  };
  // With no token configured every client is trusted alike (loopback, or ALLOW_INSECURE).
  if (auth.open) return decided(true);
  const token = bearerToken(req.headers.authorization);
  const quick = auth.verifyStatic(token);
  if (quick === true || token === undefined) return decided(quick === true);
  if (quick === false) {
    res.locals.tokenRefusal = 'it is not AUTH_TOKEN';
    return decided(false);
  }
  auth.check(token).then((result) => {
    if (!result.ok) res.locals.tokenRefusal = result.reason;
    decided(result.ok);
  }, next);
};
