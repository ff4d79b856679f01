import { validationErrorBody, type RouteDefinition } from '@meshcache/api-contract';
import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Authenticator } from './auth.js';
import { requireAccess } from './middleware/require-access.js';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<R extends RouteDefinition> {
  readonly params: Out<R['params']>;
  readonly query: Out<R['query']>;
  readonly body: Out<R['body']>;
}

/** A handler's answer: JSON `body` with `status` (200 when omitted) and extra `headers`; a 304 has no body. */
export interface Reply {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler<R extends RouteDefinition> = (input: RouteInput<R>, req: Request, res: Response) => Reply | Promise<Reply>;

const PARTS = ['params', 'query', 'body'] as const;

/**
 * Mounts a handler for a route of the contract: auth by the route's access level, then params,
 * query and body parsed with the route's own schemas (400 naming each bad field), then the handler.
 */
export const bindRoute = <R extends RouteDefinition>(router: Router, auth: Authenticator, def: R, handler: RouteHandler<R>, path: string = def.path): void => {
  const run = async (req: Request, res: Response, next: NextFunction) => {
    const input: Record<string, unknown> = {};
    for (const part of PARTS) {
      const schema = def[part];
      if (!schema) continue;
      // A POST without a JSON body leaves req.body undefined; schemas see an empty object.
      const raw: unknown = part === 'body' ? (req.body ?? {}) : req[part];
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        res.status(400).json(validationErrorBody(parsed.error));
        return;
      }
      input[part] = parsed.data;
    }
    try {
      const reply = await handler(input as unknown as RouteInput<R>, req, res);
      if (reply.headers) res.set(reply.headers);
      if (reply.status === 304) res.status(304).end();
      else res.status(reply.status ?? 200).json(reply.body);
    } catch (error) {
      next(error);
    }
  };
  const method = def.method.toLowerCase() as 'get' | 'post' | 'delete';
  router[method](path, requireAccess(auth, def.access), run);
};
