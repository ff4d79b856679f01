import { z } from 'zod';
import { metricsResponseSchema } from './metrics.js';
import { epochMsSchema } from './primitives.js';

/**
 * One node's answer as the asked node collected it: its metrics, or why it has none. The asked
 * node calls each peer's own route with the caller's credentials, so a peer that refuses them
 * says so here rather than being left out.
 */
export const clusterNodeMetricsSchema = z.discriminatedUnion('ok', [
  z.object({ id: z.string(), url: z.string().nullable(), ok: z.literal(true), metrics: metricsResponseSchema }),
  z.object({ id: z.string(), url: z.string().nullable(), ok: z.literal(false), error: z.string() }),
]);
export type ClusterNodeMetrics = z.infer<typeof clusterNodeMetricsSchema>;

export const clusterMetricsResponseSchema = z.object({
  success: z.literal(true),
  /** The node that collected the answers (listed first). */
  nodeId: z.string(),
  timestamp: epochMsSchema,
  nodes: z.array(clusterNodeMetricsSchema),
});
export type ClusterMetricsResponse = z.infer<typeof clusterMetricsResponseSchema>;

export const clusterToggleSyncBodySchema = z.strictObject({ enabled: z.boolean('enabled must be a boolean') });
export type ClusterToggleSyncBody = z.infer<typeof clusterToggleSyncBodySchema>;

/** What each node answered to the toggle; `ok` false when it was unreachable or refused. */
export const clusterToggleOutcomeSchema = z.object({
  id: z.string(),
  url: z.string().nullable(),
  ok: z.boolean(),
  syncEnabled: z.boolean().optional(),
  error: z.string().optional(),
});
export type ClusterToggleOutcome = z.infer<typeof clusterToggleOutcomeSchema>;

export const clusterToggleSyncResponseSchema = z.object({
  success: z.literal(true),
  enabled: z.boolean(),
  /** True only when every known node confirmed the new state. */
  allApplied: z.boolean(),
  nodes: z.array(clusterToggleOutcomeSchema),
});
export type ClusterToggleSyncResponse = z.infer<typeof clusterToggleSyncResponseSchema>;
