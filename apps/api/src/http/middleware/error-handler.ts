import { SyncError } from '@meshcache/sync-node';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { internalError } from '../internal-error.js';
import { sendReply } from '../json-response.js';
import { errorReply, invalidJsonReply, payloadTooLargeReply, sendError } from '../send-error.js';

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  limit?: number;
}

/**
 * Every error becomes JSON from the contract's error table. Body-parser's 4xx keep their meaning
 * (their messages are written for clients); anything else is a 500 that carries only a request
 * id, in every environment, while the log gets the details under that id.
 */
export const errorHandler = (logger: Logger) =>
  (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const e = (error ?? {}) as HttpishError;
    const status = e.status ?? e.statusCode ?? 500;
    if (e.type === 'entity.too.large') return sendReply(req, res, payloadTooLargeReply(e.limit ?? '?'));
    if (e.type === 'entity.parse.failed') return sendReply(req, res, invalidJsonReply(error));
    // delete/clear/strategy throw when the journal refused them: nothing changed, say why.
    if (error instanceof SyncError && error.code === 'NOT_LOGGED') return sendReply(req, res, errorReply('DISK_FULL', error.message));
    if (status >= 400 && status < 500 && e.expose !== false) {
      return sendReply(req, res, errorReply(status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', e.message ?? `HTTP ${status}`));
    }
    const failure = internalError(logger, req, error);
    sendReply(req, res, failure.reply, failure.headers);
  };

export const notFoundHandler = (req: Request, res: Response): void => sendError(req, res, 'NOT_FOUND', `No route ${req.method} ${req.path}`);
