import type { ApiErrorCode, ErrorBody } from '@meshcache/api-contract';
import type { Response } from 'express';

export const errorBody = (code: ApiErrorCode, message: string): ErrorBody => ({ success: false, code, message });

export const sendError = (res: Response, status: number, code: ApiErrorCode, message: string): void => {
  res.status(status).json(errorBody(code, message));
};
