import { statusOfError, validationErrorBody, type ApiErrorCode, type ErrorBody } from '@meshcache/api-contract';
import type { z } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendReply, type Reply } from './json-response.js';

export const errorBody = (code: ApiErrorCode, message: string, extra: Partial<ErrorBody> = {}): ErrorBody => ({ success: false, code, message, ...extra });

/** An error answer, its status from the contract's error table. */
export const errorReply = (code: ApiErrorCode, message: string, extra?: Partial<ErrorBody>): Reply => ({ status: statusOfError(code), body: errorBody(code, message, extra) });

export const sendError = (req: IncomingMessage, res: ServerResponse, code: ApiErrorCode, message: string, headers?: string[]): void =>
  sendReply(req, res, errorReply(code, message), headers);

/** The 401 answer and its challenge header, the same on every path. */
export const UNAUTHORIZED_REPLY = errorReply('UNAUTHORIZED', 'Missing or invalid bearer token: send Authorization: Bearer <AUTH_TOKEN or JWT>');

/** The 401 for a token that was sent and refused, saying why (an expired JWT and a wrong one read alike before). */
export const refusedTokenReply = (reason: string): Reply => errorReply('UNAUTHORIZED', `Invalid bearer token (${reason}): send Authorization: Bearer <AUTH_TOKEN or JWT>`);

/** The 401 for what `authenticate` found: no token, or one refused for `reason`. */
export const unauthorizedReply = (refusal: string | undefined): Reply => (refusal === undefined ? UNAUTHORIZED_REPLY : refusedTokenReply(refusal));
export const unauthorizedHeaders = (): string[] => ['WWW-Authenticate', 'Bearer'];

/** Body-parser failures, worded the same by the Express stack and the fast path. */
export const payloadTooLargeReply = (limit: number | string): Reply => errorReply('PAYLOAD_TOO_LARGE', `Body larger than the limit of ${limit} bytes`);

/**
 * A JSON syntax error describes the client's own text; anything else the parser threw (a stack
 * overflow on deep nesting) is about the server and is not repeated.
 */
export const invalidJsonReply = (error: unknown): Reply =>
  errorReply('INVALID_JSON', error instanceof SyntaxError ? `Body is not valid JSON: ${error.message}` : 'Body is not valid JSON: nested too deeply');

/** The 400 for params, query or a body that failed its schema, naming each field. */
export const validationReply = (error: z.ZodError, pathPrefix: readonly PropertyKey[] = []): Reply => ({ status: statusOfError('VALIDATION_FAILED'), body: validationErrorBody(error, pathPrefix) });
