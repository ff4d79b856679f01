import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { ServerContext } from '../server/context.js';
import { defaultDashboardDir, mountDashboard } from './dashboard-static.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { apiSecurityHeaders, corsMiddleware } from './middleware/security.js';
import { mountCacheRoutes } from './routes/cache-routes.js';
import { mountClusterRoutes } from './routes/cluster-routes.js';
import { mountControlRoutes } from './routes/control-routes.js';
import { mountHealthRoutes } from './routes/health-routes.js';
import { accessLogLevel } from './access-log.js';
import { JSON_BODY_TYPES, setJsonParser, setWriteOrder } from './bind-route.js';
import { verifyUtf8Body } from './body-text.js';
import { authenticate } from './middleware/authenticate.js';
import { HOST_NOT_ALLOWED_MESSAGE, hostGuard } from './middleware/host-guard.js';
import { routes } from '@meshcache/api-contract';
import { sendError } from './send-error.js';

/** The Express app: middleware as the seed lists it, then the contract's routes, then the dashboard. */
export const createApp = (ctx: ServerContext): express.Express => {
  const { config, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  // `/api/cache/` (the key '') and `/api/cache` (the collection) are different routes.
  app.set('strict routing', true);
  app.set('trust proxy', config.trustProxy);
  // Cache reads change on every write; a hash of each body would cost more than it saves.
  app.set('etag', false);

  app.use(requestMetrics(ctx.prometheus));
  const hostAllowed = hostGuard(config);
  if (hostAllowed !== null) {
    // One line per 10 s at most: a rebinding page can send thousands of requests.
    let loggedAt = -Infinity;
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (hostAllowed(req.headers.host)) return next();
      if (Date.now() - loggedAt > 10_000) {
        loggedAt = Date.now();
        logger.warn({ host: req.headers.host, url: req.url }, 'refused a request for a host this node does not answer for without a token (DNS rebinding guard; see ALLOWED_HOSTS)');
      }
      sendError(req, res, 'HOST_NOT_ALLOWED', HOST_NOT_ALLOWED_MESSAGE(req.headers.host));
    });
  }
  if (config.accessLog) {
    app.use(
      pinoHttp({
        logger,
        customLogLevel: (_req, res, err) => accessLogLevel(err ? 500 : res.statusCode),
        // The same fields as the fast path logs; copying every header of every request into the
        // log line cost more than the rest of the stack.
        serializers: {
          req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
          res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }
  // The dashboard's router replaces these with helmet's document headers (dashboard-static.ts).
  app.use(apiSecurityHeaders);
  app.use(compression());
  app.use(corsMiddleware(config.frontendUrl));

  // Bodies are read per route, after its access check (bind-route.ts).
  setJsonParser(app, express.json({ limit: config.bodyLimit, type: JSON_BODY_TYPES, verify: verifyUtf8Body, strict: false }));
  setWriteOrder(app, ctx.node);
  const gate = authenticate(ctx.auth, ctx.limits);
  app.use('/api', gate);
  app.use(routes.prometheus.path, gate);
  app.use('/api', (req: Request, res: Response, next: NextFunction) => {
    if (ctx.lifecycle.phase === 'loading') return sendError(req, res, 'NOT_READY', 'Restoring from disk, try again shortly');
    next();
  });

  const router = express.Router({ strict: true });
  mountHealthRoutes(router, ctx);
  mountCacheRoutes(router, ctx);
  mountControlRoutes(router, ctx);
  mountClusterRoutes(router, ctx);
  app.use(router);
  app.use('/api', notFoundHandler);

  const dashboard = express.Router({ strict: true });
  mountDashboard(dashboard, config.dashboardDir ?? defaultDashboardDir());
  app.use(dashboard);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
};
