import type { RouteAccess } from '@meshcache/api-contract';
import type { NextFunction, Request, Response } from 'express';
import type { Authenticator } from '../auth.js';
import { sendReply } from '../json-response.js';
import { unauthorizedHeaders, unauthorizedReply } from '../send-error.js';
import { isAuthenticated, tokenRefusal } from './authenticate.js';

/** 401 unless the route is open at this access level or {@link authenticate} accepted the token. */
export const requireAccess = (auth: Authenticator, access: RouteAccess) => {
  if (!auth.requires(access)) return (_req: Request, _res: Response, next: NextFunction) => next();
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isAuthenticated(res)) return next();
    sendReply(req, res, unauthorizedReply(tokenRefusal(res)), unauthorizedHeaders());
  };
};
