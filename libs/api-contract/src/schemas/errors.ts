import { z } from 'zod';

/**
 * Every error code the API answers with, and its HTTP status: the one table the server, the
 * typed client and the socket gateway read. Several codes may share a status; a client that gets
 * a status without a code takes the first code listed for it.
 */
export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, meaning: 'A path parameter, query or body field failed its schema; `issues` names each one' },
  INVALID_JSON: { status: 400, meaning: 'The body is not JSON' },
  BAD_REQUEST: { status: 400, meaning: 'The request cannot be read (aborted, bad encoding)' },
  UNAUTHORIZED: { status: 401, meaning: 'Missing or invalid bearer token' },
  HOST_NOT_ALLOWED: { status: 403, meaning: 'A node that answers without a token answers only Host names it knows (IP addresses, localhost, ALLOWED_HOSTS): a guard against DNS rebinding' },
  NOT_FOUND: { status: 404, meaning: 'No such key or route' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body is larger than BODY_LIMIT' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'A body charset or content encoding the server does not read' },
  RATE_LIMITED: { status: 429, meaning: 'Too many requests from this client in the window; see Retry-After' },
  INTERNAL: { status: 500, meaning: 'An unexpected failure; the log has the details under `requestId`' },
  NOT_READY: { status: 503, meaning: 'The node is loading from disk or shutting down' },
  CLOCK_SKEW: { status: 503, meaning: "The node's clock is out of bounds with its peers, which would refuse the write: write to another node, fix NTP" },
  DEADLINE_EXCEEDED: { status: 504, meaning: 'The X-Deadline-Ms of a write had passed when the node came to apply it (it was frozen, overloaded or cut off): nothing was applied' },
  CAPACITY_EXCEEDED: { status: 507, meaning: 'The value does not fit the byte budget (CACHE_MAX_BYTES)' },
  DISK_FULL: { status: 507, meaning: 'The node could not log the write (disk full or failing): nothing was applied (a multi-key request: nothing after the `applied` count); the node is read-only until the disk recovers' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const apiErrorCodeSchema = z.enum(Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]]);

/** The HTTP status of an error code. */
export const statusOfError = (code: ApiErrorCode): number => API_ERRORS[code].status;

const FIRST_CODE_BY_STATUS = new Map<number, ApiErrorCode>();
for (const [code, { status }] of Object.entries(API_ERRORS) as [ApiErrorCode, { status: number }][]) {
  if (!FIRST_CODE_BY_STATUS.has(status)) FIRST_CODE_BY_STATUS.set(status, code);
}

/** The code a status stands for when a response carries no code of its own. */
export const errorCodeOfStatus = (status: number): ApiErrorCode | undefined => FIRST_CODE_BY_STATUS.get(status);

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
  /** For 5xx: the id the server logged the failure under (also the `X-Request-Id` header). */
  requestId: z.string().optional(),
  /**
   * A request that changes many keys and was refused part-way (a full disk, a clock out of
   * bounds): how many changes were applied, and will replicate, before the refusal.
   */
  applied: z.number().int().nonnegative().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
