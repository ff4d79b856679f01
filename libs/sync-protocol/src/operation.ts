import { STRATEGIES } from '@meshcache/cache-core';
import { z } from 'zod';
import { HlcSchema, OriginSchema } from './hlc.js';
import { CacheValueSchema } from './value-depth.js';

export const CacheKeySchema = z.string().max(65_536);
/** Eviction strategies by their engine names, from cache-core's one table. */
export const StrategySchema = z.enum(STRATEGIES);
export type Strategy = z.infer<typeof StrategySchema>;

export const SetOpSchema = z.object({
  type: z.literal('set'),
  key: CacheKeySchema,
  value: CacheValueSchema,
  /** Time to live from `hlc.wall`: every node computes the same absolute expiry. */
  ttlMs: z.number().int().positive().optional(),
});
export const DeleteOpSchema = z.object({ type: z.literal('delete'), key: CacheKeySchema });
/** Removes every entry written before this operation's timestamp (a watermark, not a scan order). */
export const ClearOpSchema = z.object({ type: z.literal('clear') });
export const StrategyOpSchema = z.object({ type: z.literal('strategy'), strategy: StrategySchema });

export const OpSchema = z.discriminatedUnion('type', [SetOpSchema, DeleteOpSchema, ClearOpSchema, StrategyOpSchema]);
export type Op = z.infer<typeof OpSchema>;
export type SetOp = z.infer<typeof SetOpSchema>;
export type DeleteOp = z.infer<typeof DeleteOpSchema>;
export type OpType = Op['type'];

/** One replicated write: `seq` counts the origin's operations from 1 without gaps. */
export const OperationSchema = z.object({
  origin: OriginSchema,
  seq: z.number().int().positive(),
  hlc: HlcSchema,
  op: OpSchema,
});
export type Operation = z.infer<typeof OperationSchema>;
