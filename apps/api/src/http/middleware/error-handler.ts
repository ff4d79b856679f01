import { SyncError } from '@meshcache/sync-node';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { errorBody } from '../send-error.js';

/** Body-parser failures, worded the same by the Express stack and the fast path. */
export const payloadTooLargeBody = (limit: number | string) => errorBody('PAYLOAD_TOO_LARGE', `Body larger than the limit of ${limit} bytes`);
export const invalidJsonBody = (detail: string) => errorBody('INVALID_JSON', `Body is not valid JSON: ${detail}`);

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  limit?: number;
}

/**
 * Every error becomes JSON. Body-parser errors keep their 4xx meaning; anything else is a 500
 * whose message is shown outside production only; a stack is never sent.
 */
export const errorHandler = (logger: Logger, production: boolean) =>
  (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const e = (error ?? {}) as HttpishError;
    const status = e.status ?? e.statusCode ?? 500;
    if (e.type === 'entity.too.large') {
      res.status(413).json(payloadTooLargeBody(e.limit ?? '?'));
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json(invalidJsonBody(e.message ?? 'parse error'));
      return;
    }
    // delete/clear/strategy throw when the journal refused them: nothing changed, say why.
    if (error instanceof SyncError && error.code === 'NOT_LOGGED') {
      res.status(507).json(errorBody('DISK_FULL', error.message));
      return;
    }
    if (status >= 400 && status < 500 && e.expose !== false) {
      res.status(status).json(errorBody('VALIDATION_FAILED', e.message ?? `HTTP ${status}`));
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    const body = errorBody('INTERNAL', 'Internal server error');
    res.status(500).json(production ? body : { ...body, error: error instanceof Error ? error.message : String(error) });
  };

export const notFoundHandler = (req: Request, res: Response): void => {
  res.status(404).json(errorBody('NOT_FOUND', `No route ${req.method} ${req.path}`));
};
