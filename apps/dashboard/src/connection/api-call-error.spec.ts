import type { ClientError } from '@meshcache/api-contract';
import { ApiCallError, describeError, isUnauthorized, isWorthRetrying, unwrap } from './api-call-error';

const err = (failure: ClientError) => new ApiCallError(failure);

describe('api-call-error', () => {
  it('unwraps successes and throws failures as ApiCallError', async () => {
    await expect(unwrap(Promise.resolve({ ok: true as const, status: 200, data: 7 }))).resolves.toBe(7);
    await expect(unwrap(Promise.resolve({ ok: false as const, error: { code: 'NOT_FOUND' as const, status: 404, message: 'Key not found' } }))).rejects.toMatchObject({
      failure: { code: 'NOT_FOUND' },
    });
  });

  it('retries network errors, 5xx and 429 but not other 4xx', () => {
    expect(isWorthRetrying(err({ code: 'NETWORK_ERROR', status: null, message: 'x' }))).toBe(true);
    expect(isWorthRetrying(err({ code: 'NOT_READY', status: 503, message: 'x' }))).toBe(true);
    expect(isWorthRetrying(err({ code: 'RATE_LIMITED', status: 429, message: 'x' }))).toBe(true);
    expect(isWorthRetrying(err({ code: 'VALIDATION_FAILED', status: 400, message: 'x' }))).toBe(false);
    expect(isWorthRetrying(err({ code: 'VALIDATION_FAILED', status: null, message: 'bad input' }))).toBe(false);
    expect(isWorthRetrying(err({ code: 'UNAUTHORIZED', status: 401, message: 'x' }))).toBe(false);
  });

  it('recognizes a refused token by status or code', () => {
    expect(isUnauthorized(err({ code: 'UNAUTHORIZED', status: 401, message: 'x' }))).toBe(true);
    expect(isUnauthorized(err({ code: 'HTTP_ERROR', status: 401, message: 'x' }))).toBe(true);
    expect(isUnauthorized(new Error('401'))).toBe(false);
  });

  it('describes failures in words a person can act on', () => {
    expect(describeError(err({ code: 'NETWORK_ERROR', status: null, message: 'fetch failed' }))).toBe('The node did not answer. Is it running?');
    expect(describeError(err({ code: 'HTTP_ERROR', status: 502, message: 'HTTP 502' }))).toBe('The node (or a proxy in front of it) answered 502: HTTP 502');
    expect(describeError(err({ code: 'VALIDATION_FAILED', status: 400, message: 'Invalid request', issues: [{ path: 'ttlMs', message: 'ttlMs must be positive' }] }))).toBe(
      'Invalid request (ttlMs: ttlMs must be positive)',
    );
    expect(describeError(err({ code: 'VALIDATION_FAILED', status: 400, message: 'Invalid request: ttlMs: must be positive', issues: [{ path: 'ttlMs', message: 'must be positive' }] }))).toBe(
      'Invalid request: ttlMs: must be positive',
    );
  });
});
