import type { RouteDefinition } from '@meshcache/api-contract';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { Authenticator } from './auth.js';
import { sendReply, type Reply } from './json-response.js';
import { requireAccess } from './middleware/require-access.js';
import { sendError, validationReply } from './send-error.js';
import { writeRefusal, type WriteOrder } from './write-deadline.js';

export type { Reply } from './json-response.js';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<R extends RouteDefinition> {
  readonly params: Out<R['params']>;
  readonly query: Out<R['query']>;
  readonly body: Out<R['body']>;
}

export type RouteHandler<R extends RouteDefinition> = (input: RouteInput<R>, req: Request, res: Response) => Reply | Promise<Reply>;

const PARTS = ['params', 'query', 'body'] as const;

const JSON_PARSER = 'meshcacheJsonParser';

/** Registers the app's JSON body parser, which {@link bindRoute} runs only once access is granted. */
export const setJsonParser = (app: { locals: Record<string, unknown> }, parser: RequestHandler): void => {
  app.locals[JSON_PARSER] = parser;
};

const WRITE_ORDER = 'meshcacheWriteOrder';

/** The node whose clock a write's `X-After-Version` moves (see `writeRefusal`). */
export const setWriteOrder = (app: { locals: Record<string, unknown> }, order: WriteOrder): void => {
  app.locals[WRITE_ORDER] = order;
};

/** The body types read as JSON: `application/json` and any `+json` type (`application/vnd.api+json`). */
export const JSON_BODY_TYPES = ['application/json', '+json'];

/**
 * Reads the body with the app's parser; a route without a body schema never reads one. A body
 * of another type is a 415: the parser used to skip it, and the route then named every field
 * as missing from a body the client did send.
 */
const parseBody = (req: Request, res: Response, next: NextFunction): void => {
  // No body at all (`POST /api/sync/toggle` flips without one): the route's schema judges that.
  const empty = req.headers['content-length'] === '0' || (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined);
  if (!empty && req.is(JSON_BODY_TYPES) === false) {
    sendError(req, res, 'UNSUPPORTED_MEDIA_TYPE', `The body must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'a body without a Content-Type'}`);
    return;
  }
  void (req.app.locals[JSON_PARSER] as RequestHandler)(req, res, next);
};

/**
 * Mounts a handler for a route of the contract: auth by the route's access level first (so an
 * unauthenticated body is never read), then the body, then params, query and body parsed with
 * the route's own schemas (400 naming each bad field), then — for a write — its deadline and
 * connection (see `writeRefusal`), then the handler.
 */
export const bindRoute = <R extends RouteDefinition>(router: Router, auth: Authenticator, def: R, handler: RouteHandler<R>, path: string = def.path): void => {
  const run = async (req: Request, res: Response, next: NextFunction) => {
    const input: Record<string, unknown> = {};
    for (const part of PARTS) {
      const schema = def[part];
      if (!schema) continue;
      // A POST without a JSON body leaves req.body undefined; schemas see an empty object. Any
      // JSON text is parsed (the parser is not `strict`), so `null` or `42` is refused by the
      // schema, as not an object, rather than as JSON that is not valid.
      const raw: unknown = part === 'body' ? (req.body === undefined ? {} : req.body) : req[part];
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return sendReply(req, res, validationReply(parsed.error));
      input[part] = parsed.data;
    }
    try {
      const refused = def.access === 'write' ? await writeRefusal(req, req.app.locals[WRITE_ORDER] as WriteOrder) : undefined;
      if (refused !== undefined) return sendReply(req, res, refused);
      sendReply(req, res, await handler(input as unknown as RouteInput<R>, req, res));
    } catch (error) {
      next(error);
    }
  };
  const method = def.method.toLowerCase() as 'get' | 'post' | 'delete';
  if (def.body) router[method](path, requireAccess(auth, def.access), parseBody, run);
  else router[method](path, requireAccess(auth, def.access), run);
};
