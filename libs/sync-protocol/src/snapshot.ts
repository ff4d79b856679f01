import { z } from 'zod';
import { HlcSchema, NodeIdSchema, OriginSchema } from './hlc.js';
import { CacheKeySchema, StrategySchema } from './operation.js';
import { CacheValueSchema } from './value-depth.js';
import { FoldedIncarnationsSchema, VersionVectorSchema } from './version-vector.js';

/** Identifies the operation that produced a piece of state: its timestamp and sequence number. */
export const StampSchema = z.object({ hlc: HlcSchema, seq: z.number().int().positive() });
export type Stamp = z.infer<typeof StampSchema>;

export const SnapshotEntrySchema = z.object({
  key: CacheKeySchema,
  value: CacheValueSchema,
  hlc: HlcSchema,
  seq: z.number().int().positive(),
  /** Absolute expiry in ms since the epoch, as computed from the writing operation. */
  expiresAt: z.number().int().positive().optional(),
});
export type SnapshotEntry = z.infer<typeof SnapshotEntrySchema>;

export const TombstoneSchema = z.object({ key: CacheKeySchema, hlc: HlcSchema, seq: z.number().int().positive() });
export type Tombstone = z.infer<typeof TombstoneSchema>;

export const StrategyStateSchema = z.object({ strategy: StrategySchema, stamp: StampSchema.nullable() });
export type StrategyState = z.infer<typeof StrategyStateSchema>;

/**
 * Everything a node needs to come back after a restart (or to seed a new node): live entries in
 * eviction order (least valuable first), tombstones, the clear watermark, the replicated strategy
 * and the version vector the state reflects.
 */
export const NodeSnapshotSchema = z.object({
  format: z.literal(1),
  nodeId: NodeIdSchema,
  origin: OriginSchema,
  takenAt: z.number().int().nonnegative(),
  vv: VersionVectorSchema,
  entries: z.array(SnapshotEntrySchema),
  tombstones: z.array(TombstoneSchema),
  watermark: StampSchema.nullable(),
  strategy: StrategyStateSchema,
  /** Node ids known to belong to the cluster (listed as down until they connect after a restart). */
  members: z.array(NodeIdSchema).max(1000).default([]),
  /** The stamp up to which collected tombstones were forgotten (see ReplicaState.floor). */
  floor: HlcSchema.nullable().default(null),
  /** Incarnations folded out of `vv` (see FoldedIncarnationsSchema). */
  folded: FoldedIncarnationsSchema.default([]),
});
export type NodeSnapshot = z.infer<typeof NodeSnapshotSchema>;
/** A saved snapshot as read back: fields added later (members, floor, folded) may be missing. */
export type NodeSnapshotInput = z.input<typeof NodeSnapshotSchema>;
