import { metricsResponseSchema, routes, toggleSyncResponseSchema, type ClusterNodeMetrics, type ClusterToggleOutcome } from '@meshcache/api-contract';
import type { Router } from 'express';
import { callPeer } from '../../server/peer-api.js';
import type { ServerContext } from '../../server/context.js';
import { metricsView } from '../../views/metrics-views.js';
import { bindRoute } from '../bind-route.js';

/**
 * Cluster-wide views and controls: this node asks every peer it knows (the replication engine's
 * list, addresses from configuration or from peers that proved the cluster secret) through the
 * peer's own route, passing the caller's credentials on, and reports each answer or failure.
 *
 * The caller's credentials go only to peers this node has a session with (up, or suspect: heard
 * recently, maybe paused). A down peer's address may be stale (gossiped, or the machine behind it
 * replaced) and whoever holds it now must not receive the caller's token: it is listed as not
 * asked, which is also faster than waiting for a dead address to time out.
 */
export const mountClusterRoutes = (router: Router, ctx: ServerContext): void => {
  const { node, auth, config } = ctx;
  const peers = () => node.nodes().map((p) => ({ id: p.id, url: p.url, state: p.state }));
  const DOWN_NOT_ASKED = 'down (no session with this node): not asked';

  bindRoute(router, auth, routes.clusterMetrics, async (_input, req) => {
    const self: ClusterNodeMetrics = { id: config.nodeId, url: config.selfUrl, ok: true, metrics: metricsView(ctx) };
    const others = await Promise.all(
      peers().map(async ({ id, url, state }): Promise<ClusterNodeMetrics> => {
        if (url === null) return { id, url, ok: false, error: 'address unknown' };
        if (state === 'down') return { id, url, ok: false, error: DOWN_NOT_ASKED };
        const answer = await callPeer(url, { method: 'GET', path: routes.metrics.path, authorization: req.headers.authorization, tls: ctx.peerTls, schema: metricsResponseSchema });
        return answer.ok ? { id, url, ok: true, metrics: answer.value } : { id, url, ok: false, error: answer.error };
      }),
    );
    return { body: { success: true, nodeId: config.nodeId, timestamp: Date.now(), nodes: [self, ...others] } };
  });

  bindRoute(router, auth, routes.clusterToggleSync, async ({ body }, req) => {
    node.setSyncEnabled(body.enabled);
    const self: ClusterToggleOutcome = { id: config.nodeId, url: config.selfUrl, ok: node.syncEnabled === body.enabled, syncEnabled: node.syncEnabled };
    const others = await Promise.all(
      peers().map(async ({ id, url, state }): Promise<ClusterToggleOutcome> => {
        if (url === null) return { id, url, ok: false, error: 'address unknown' };
        if (state === 'down') return { id, url, ok: false, error: DOWN_NOT_ASKED };
        const answer = await callPeer(url, {
          method: 'POST',
          path: routes.toggleSync.path,
          body: { enabled: body.enabled },
          authorization: req.headers.authorization,
          tls: ctx.peerTls,
          schema: toggleSyncResponseSchema,
        });
        return answer.ok ? { id, url, ok: answer.value.syncEnabled === body.enabled, syncEnabled: answer.value.syncEnabled } : { id, url, ok: false, error: answer.error };
      }),
    );
    // This node first, then its peers by id: the membership's order follows who connected first,
    // and an answer that lists the nodes in a different order each time reads as a different answer.
    const nodes = [self, ...others.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))];
    return { body: { success: true, enabled: body.enabled, allApplied: nodes.every((n) => n.ok), nodes } };
  });
};
