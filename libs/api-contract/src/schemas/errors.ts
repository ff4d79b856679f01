import { z } from 'zod';

export const apiErrorCodeSchema = z.enum([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INVALID_JSON',
  'NOT_READY',
  'CAPACITY_EXCEEDED',
  /** The node could not log the write (disk full or failing): nothing was applied; the node is read-only until the disk recovers. */
  'DISK_FULL',
  'INTERNAL',
]);
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>;

export const validationIssueSchema = z.object({
  /** Dotted path of the offending field, e.g. `items.3.key`; `''` for the whole input. */
  path: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;

/** Body of every non-2xx JSON response. */
export const errorBodySchema = z.object({
  success: z.literal(false),
  code: apiErrorCodeSchema.optional(),
  message: z.string(),
  issues: z.array(validationIssueSchema).optional(),
  /** Only outside production. */
  error: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
