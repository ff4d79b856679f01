import { z } from 'zod';
import { NodeIdSchema, OriginSchema } from './hlc.js';
import { StrategySchema } from './operation.js';
import { NodeProblemSchema } from './problems.js';

export const PeerStateSchema = z.enum(['up', 'suspect', 'down']);
export type PeerState = z.infer<typeof PeerStateSchema>;

/** One peer as this node sees it (the dashboard's node list). */
export const PeerInfoSchema = z.object({
  id: NodeIdSchema,
  url: z.string().nullable(),
  state: PeerStateSchema,
  strategy: StrategySchema.nullable(),
  size: z.number().int().nonnegative().nullable(),
  capacity: z.number().int().positive().nullable(),
  /** This node's operations the peer has not acknowledged yet. */
  lag: z.number().int().nonnegative(),
  lastSeen: z.number().int().nonnegative().nullable(),
  /**
   * Operations this node has applied (from every origin) that the peer had not, as of its last
   * report; it keeps growing while the peer is down and falls as it catches up.
   */
  behind: z.number().int().nonnegative().optional(),
  /** A snapshot this node is sending the peer, while it sends it: entries sent of the total. */
  snapshot: z.object({ sent: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).optional(),
  /** The peer's sync is turned off, as its last heartbeat said: its writes wait on it (`lag` counts only ours). */
  paused: z.boolean().optional(),
  /** Why this node cannot replicate with the peer, while it cannot (see `SyncStats.problems`). */
  problem: NodeProblemSchema.pick({ code: true, message: true }).optional(),
});
export type PeerInfo = z.infer<typeof PeerInfoSchema>;

export const SyncEventTypeSchema = z.enum([
  'ops-sent',
  'ops-received',
  'partial-sync',
  'full-sync-sent',
  'full-sync-received',
  'force-sync',
  'peer-up',
  'peer-down',
  'rejected',
  'sync-enabled',
  'sync-disabled',
  'clock-skew',
  'state-replaced',
]);
export type SyncEventType = z.infer<typeof SyncEventTypeSchema>;

/** An entry of the sync history (newest first; batch traffic summed per peer, direction and interval). */
export const SyncEventSchema = z.object({
  id: z.string(),
  timestamp: z.number().int().nonnegative(),
  type: SyncEventTypeSchema,
  peer: NodeIdSchema.optional(),
  /** Operations (or keys, for syncs) the event covers. */
  count: z.number().int().nonnegative().optional(),
  /** For a batch of one operation: its kind and key. */
  op: z.enum(['set', 'delete', 'clear', 'strategy']).optional(),
  key: z.string().optional(),
  message: z.string().optional(),
});
export type SyncEvent = z.infer<typeof SyncEventSchema>;

/** Repairs of one kind this node made for its peers: how many, what they carried, approximate bytes. */
export const RepairTallySchema = z.object({
  count: z.number().int().nonnegative(),
  /** Operations (partial), entries and tombstones (snapshot, anti-entropy). */
  items: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type RepairTally = z.infer<typeof RepairTallySchema>;

/** Repairs this node sent since it started, by kind: what a fault cost to heal. */
export const RepairsSchema = z.object({
  /** A peer's gap streamed from the backlog (`sync-start` partial with operations missing). */
  partial: RepairTallySchema,
  /** A chunked snapshot of the whole state. */
  snapshot: RepairTallySchema,
  /** Differing keys sent in a `forceSync` exchange (either side). */
  antiEntropy: RepairTallySchema,
});
export type Repairs = z.infer<typeof RepairsSchema>;

/** The seed's getSyncStats fields plus replication health. */
export const SyncStatsSchema = z.object({
  nodeId: NodeIdSchema,
  origin: OriginSchema,
  connectedNodes: z.number().int().nonnegative(),
  syncEnabled: z.boolean(),
  /** Operations sent to or applied from peers since start. */
  totalSyncOperations: z.number().int().nonnegative(),
  lastSyncTime: z.number().int().nonnegative().nullable(),
  nodeList: z.array(PeerInfoSchema),
  /** Largest number of this node's operations some connected peer has not acknowledged. */
  lag: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  backlogSize: z.number().int().nonnegative(),
  backlogCapacity: z.number().int().positive(),
  fullSyncs: z.number().int().nonnegative(),
  partialSyncs: z.number().int().nonnegative(),
  snapshotsSent: z.number().int().nonnegative(),
  rejectedMessages: z.number().int().nonnegative(),
  opsSent: z.number().int().nonnegative(),
  opsReceived: z.number().int().nonnegative(),
  tombstones: z.number().int().nonnegative(),
  /** Approximate bytes the tombstones take (keys and stamps). */
  tombstoneBytes: z.number().int().nonnegative(),
  /** Approximate bytes of the operations in the backlog. */
  backlogBytes: z.number().int().nonnegative(),
  forceSyncs: z.number().int().nonnegative(),
  repairedKeys: z.number().int().nonnegative(),
  /** What is wrong with replication right now; empty when all is well. */
  problems: z.array(NodeProblemSchema),
  /** Repairs this node sent, by kind (always present from this version on). */
  repairs: RepairsSchema.optional(),
});
export type SyncStats = z.infer<typeof SyncStatsSchema>;

export const ForceSyncResultSchema = z.object({
  peers: z.number().int().nonnegative(),
  repairedKeys: z.number().int().nonnegative(),
  differingBuckets: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  skipped: z.enum(['sync-disabled']).optional(),
});
export type ForceSyncResult = z.infer<typeof ForceSyncResultSchema>;
