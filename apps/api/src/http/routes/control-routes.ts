import { routes, enginePolicy } from '@meshcache/api-contract';
import type { Router } from 'express';
import type { ServerContext } from '../../server/context.js';
import { metricsView, syncStatusView } from '../../views/metrics-views.js';
import { bindRoute } from '../bind-route.js';
import { refusedWriteReply } from '../item-replies.js';

/** Strategy, metrics and replication control. */
export const mountControlRoutes = (router: Router, ctx: ServerContext): void => {
  const { node, auth } = ctx;

  bindRoute(router, auth, routes.setStrategy, ({ body }) => {
    const result = node.setStrategy(enginePolicy(body.strategy));
    if (!result.ok) return refusedWriteReply(result);
    return { body: { success: true, message: `Strategy changed to ${body.strategy}`, strategy: body.strategy } };
  });

  bindRoute(router, auth, routes.metrics, () => ({ body: metricsView(ctx) }));

  bindRoute(router, auth, routes.syncStatus, () => ({ body: syncStatusView(ctx) }));

  bindRoute(router, auth, routes.toggleSync, ({ body }) => {
    node.setSyncEnabled(body.enabled ?? !node.syncEnabled);
    return { body: { success: true, syncEnabled: node.syncEnabled } };
  });

  bindRoute(router, auth, routes.forceSync, async () => {
    const result = await node.forceSync();
    const message = result.skipped === 'sync-disabled' ? 'Sync is disabled: nothing to do' : `Force sync completed with ${result.peers} peer(s)`;
    return { body: { success: true, message, ...result } };
  });

  bindRoute(router, auth, routes.syncHistory, ({ query }) => ({ body: { success: true, history: node.history(query.limit ?? 20) } }));
};
