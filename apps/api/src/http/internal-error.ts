import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Reply } from './json-response.js';
import { errorReply } from './send-error.js';

/**
 * An unexpected failure: the details go to the log under a fresh request id, the client gets
 * only that id (in the body and `X-Request-Id`), in every environment.
 */
export const internalError = (logger: Logger, req: IncomingMessage, error: unknown): { reply: Reply; headers: string[] } => {
  const requestId = randomUUID();
  logger.error({ err: error, requestId, method: req.method, url: req.url }, 'request failed');
  return {
    reply: errorReply('INTERNAL', `Internal server error; the server log has the details under request id ${requestId}`, { requestId }),
    headers: ['X-Request-Id', requestId],
  };
};
