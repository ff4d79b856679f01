import { NodeProblemSchema, ReplicationProblemCodeSchema } from '@meshcache/sync-protocol';
import { z } from 'zod';
import { isoTimeSchema } from './primitives.js';

/**
 * `healthy` and `degraded` (serving, with `problems`) answer 200; `loading` (restoring from
 * disk) and `shutting-down` answer 503.
 */
export const healthStatusSchema = z.enum(['healthy', 'degraded', 'loading', 'shutting-down']);
export type HealthStatus = z.infer<typeof healthStatusSchema>;

/**
 * Every problem `/health` can report: the replication engine's codes plus the server's own.
 * Add a server-side code here (and nowhere else); the Prometheus gauge and the docs follow it.
 */
export const healthProblemCodeSchema = z.enum([
  ...ReplicationProblemCodeSchema.options,
  /** The data directory refused a write (disk full, I/O error): writes answer 507 until it takes them again. */
  'disk-read-only',
]);
export type HealthProblemCode = z.infer<typeof healthProblemCodeSchema>;

export const healthProblemSchema = NodeProblemSchema.extend({ code: healthProblemCodeSchema });
export type HealthProblem = z.infer<typeof healthProblemSchema>;

export const healthResponseSchema = z.object({
  status: healthStatusSchema,
  timestamp: isoTimeSchema,
  nodeId: z.string(),
  /** Why the node is `degraded`; empty when healthy. */
  problems: z.array(healthProblemSchema),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
