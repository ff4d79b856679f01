import { z } from 'zod';

/**
 * What can be wrong with replication on a node, as `/health` names it. The server adds its own
 * codes to this list (`healthProblemCodeSchema` in api-contract); this is the engine's part.
 */
export const ReplicationProblemCodeSchema = z.enum(['peer-unreachable', 'peer-refused-secret', 'peer-refused-version', 'duplicate-node-id', 'clock-skew', 'repair-stalled', 'tombstones-collected-early', 'sync-paused']);
export type ReplicationProblemCode = z.infer<typeof ReplicationProblemCodeSchema>;

/**
 * One current problem: `peer` names the peer it concerns (a node id, an origin or a dialed URL),
 * `since` is when it started (epoch ms). A problem lasts until its cause goes away.
 */
export const NodeProblemSchema = z.object({
  code: ReplicationProblemCodeSchema,
  message: z.string().max(1000),
  peer: z.string().max(2048).optional(),
  since: z.number().int().nonnegative(),
});
export type NodeProblem = z.infer<typeof NodeProblemSchema>;
