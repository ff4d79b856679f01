import type { ApiResult, ClientError } from '@meshcache/api-contract';

/**
 * The typed client returns failures as values; react-query wants a rejected promise. This
 * error carries the client's failure unchanged so panels can show its code and message.
 */
export class ApiCallError extends Error {
  constructor(readonly failure: ClientError) {
    super(failure.message);
    this.name = 'ApiCallError';
  }
}

export async function unwrap<T>(call: Promise<ApiResult<T>>): Promise<T> {
  const result = await call;
  if (!result.ok) throw new ApiCallError(result.error);
  return result.data;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiCallError && (error.failure.status === 401 || error.failure.code === 'UNAUTHORIZED');
}

/** 4xx answers will not change by asking again; network errors and 5xx may. */
export function isWorthRetrying(error: unknown): boolean {
  if (!(error instanceof ApiCallError)) return true;
  const status = error.failure.status;
  return status === null ? error.failure.code === 'NETWORK_ERROR' : status >= 500 || status === 429;
}

/** One line a person can act on, including which fields were wrong. */
export function describeError(error: unknown): string {
  if (error instanceof ApiCallError) {
    const issues = error.failure.issues?.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    if (error.failure.code === 'NETWORK_ERROR') return 'The node did not answer. Is it running?';
    if (error.failure.code === 'UNAUTHORIZED') return 'The node refused the request: a valid access token is required.';
    if (error.failure.code === 'RATE_LIMITED') return 'Too many requests: the node is rate limiting this page. Try again in a moment.';
    if (error.failure.code === 'NOT_READY') return 'The node is starting up or shutting down (503). Try again in a moment.';
    if (error.failure.code === 'HTTP_ERROR' && (error.failure.status ?? 0) >= 500) {
      return `The node (or a proxy in front of it) answered ${error.failure.status}: ${error.failure.message}`;
    }
    return issues?.length && !error.failure.message.includes(issues[0]) ? `${error.failure.message} (${issues.join('; ')})` : error.failure.message;
  }
  return error instanceof Error ? error.message : String(error);
}
