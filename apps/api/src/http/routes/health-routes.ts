import { generateOpenApi, routes } from '@meshcache/api-contract';
import type { Request, Response, Router } from 'express';
import type { ServerContext } from '../../server/context.js';
import { sendReply } from '../json-response.js';
import { requireAccess } from '../middleware/require-access.js';

import type { HealthResponse } from '@meshcache/api-contract';

/** Degraded still serves (200): a load balancer keeps the node, an operator reads `problems`. */
const healthOf = (ctx: ServerContext): HealthResponse => {
  const { phase } = ctx.lifecycle;
  const problems = ctx.problems.list();
  const status = phase !== 'ready' ? phase : problems.length > 0 ? 'degraded' : 'healthy';
  return { status, timestamp: new Date().toISOString(), nodeId: ctx.config.nodeId, problems };
};

/** Liveness, readiness, the OpenAPI document and Prometheus. */
export const mountHealthRoutes = (router: Router, ctx: ServerContext): void => {
  router.get(routes.ping.path, (_req: Request, res: Response) => {
    res.status(200).type('text/plain').send(`pong - ${new Date().toISOString()}`);
  });

  router.get(routes.health.path, (req: Request, res: Response) => {
    sendReply(req, res, { status: ctx.lifecycle.phase === 'ready' ? 200 : 503, body: healthOf(ctx) });
  });

  let openapi: string | undefined;
  router.get(routes.openapi.path, (_req: Request, res: Response) => {
    openapi ??= JSON.stringify(generateOpenApi({ version: ctx.version, servers: [{ url: ctx.config.selfUrl }] }));
    res.type('application/json').send(openapi);
  });

  router.get(routes.prometheus.path, requireAccess(ctx.auth, routes.prometheus.access), async (_req: Request, res: Response) => {
    const registry = ctx.prometheus.registry;
    res.type(registry.contentType).send(await registry.metrics());
  });
};
