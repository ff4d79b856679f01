import { z } from 'zod';
import { isoTimeSchema } from './primitives.js';

/** `healthy` answers 200; `loading` (restoring from disk) and `shutting-down` answer 503. */
export const healthStatusSchema = z.enum(['healthy', 'loading', 'shutting-down']);
export type HealthStatus = z.infer<typeof healthStatusSchema>;

export const healthResponseSchema = z.object({
  status: healthStatusSchema,
  timestamp: isoTimeSchema,
  nodeId: z.string(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
