import type { RouteAccess } from '@meshcache/api-contract';
import type { NextFunction, Request, Response } from 'express';
import { bearerToken, type Authenticator } from '../auth.js';
import { errorBody } from '../send-error.js';

/** The 401 body, also sent by the fast path. */
export const UNAUTHORIZED_BODY = errorBody('UNAUTHORIZED', 'Missing or invalid bearer token: send Authorization: Bearer <AUTH_TOKEN or JWT>');

const reject = (res: Response): void => {
  res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(401).json(UNAUTHORIZED_BODY);
};

/** 401 unless the route is open at this access level or the bearer token checks out. */
export const requireAccess = (auth: Authenticator, access: RouteAccess) => {
  if (!auth.requires(access)) return (_req: Request, _res: Response, next: NextFunction) => next();
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerToken(req.headers.authorization);
    const quick = auth.verifyStatic(token);
    if (quick === true) return next();
    if (quick === false) return reject(res);
    auth.verify(token).then((ok) => (ok ? next() : reject(res)), next);
  };
};
