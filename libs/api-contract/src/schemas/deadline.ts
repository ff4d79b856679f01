import { z } from 'zod';

/**
 * `X-Deadline-Ms`: the Unix time in ms (on the client's clock) after which the client no longer
 * waits for this request. A node that comes to apply a write later — it was frozen, overloaded
 * or its link was down while the request sat in a buffer — refuses it (504 `DEADLINE_EXCEEDED`)
 * instead of applying a write its client has given up on, which would be stamped at arrival and
 * could win last-writer-wins over writes acknowledged after it. See docs/CONSISTENCY.md.
 */
export const DEADLINE_HEADER = 'x-deadline-ms';

export const deadlineHeaderSchema = z
  .string()
  .regex(/^\d{1,16}$/, 'X-Deadline-Ms must be a Unix time in milliseconds (digits only)')
  .transform(Number)
  .pipe(z.number().int().positive().max(8.64e15));
