import { ForceSyncResultSchema, SyncEventSchema } from '@meshcache/sync-protocol';
import { z } from 'zod';
import { healthProblemSchema } from './health.js';
import { syncStatsSchema } from './metrics.js';
import { queryIntSchema } from './primitives.js';

/**
 * The engine's figures, with every problem `/health` lists: the server's own too, such as
 * `disk-read-only` (a node whose journal refuses writes refuses its peers' streams as well, so
 * it is a replication problem; status said "no problems" while /health said read-only).
 */
export const syncStatusResponseSchema = syncStatsSchema.extend({ problems: z.array(healthProblemSchema) });
export type SyncStatusResponse = z.infer<typeof syncStatusResponseSchema>;

/** With `enabled` the toggle sets that state; without it the state flips (seed behaviour). */
export const toggleSyncBodySchema = z.strictObject({ enabled: z.boolean('enabled must be a boolean').optional() });
export type ToggleSyncBody = z.infer<typeof toggleSyncBodySchema>;

export const toggleSyncResponseSchema = z.object({ success: z.literal(true), syncEnabled: z.boolean() });
export type ToggleSyncResponse = z.infer<typeof toggleSyncResponseSchema>;

/** The engine's ForceSyncResult (peers asked, keys repaired) with the seed's message. */
export const forceSyncResponseSchema = ForceSyncResultSchema.extend({
  success: z.literal(true),
  message: z.string(),
});
export type ForceSyncResponse = z.infer<typeof forceSyncResponseSchema>;

export const MAX_HISTORY_LIMIT = 1000;
export const historyQuerySchema = z.object({
  limit: queryIntSchema('limit', 1, MAX_HISTORY_LIMIT).optional(),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** One replication event (sync-protocol's SyncEvent), newest first in listings. */
export const syncHistoryEntrySchema = SyncEventSchema;
export type SyncHistoryEntry = z.infer<typeof syncHistoryEntrySchema>;

export const historyResponseSchema = z.object({
  success: z.literal(true),
  history: z.array(syncHistoryEntrySchema),
});
export type HistoryResponse = z.infer<typeof historyResponseSchema>;
