import { errorCode, outcomeOfError, outcomeOfStatus, workloadFailure } from './outcome.js';

describe('outcome', () => {
  it('counts 2xx as ok and a 404 read or delete as an answer', () => {
    expect(outcomeOfStatus(200, 'set')).toBe('ok');
    expect(outcomeOfStatus(202, 'set')).toBe('ok');
    expect(outcomeOfStatus(404, 'read')).toBe('ok');
    expect(outcomeOfStatus(404, 'delete')).toBe('ok');
  });

  it('counts documented refusals as failed and anything else as unknown', () => {
    expect(outcomeOfStatus(507, 'set')).toBe('failed');
    expect(outcomeOfStatus(503, 'bulk')).toBe('failed');
    expect(outcomeOfStatus(500, 'set')).toBe('unknown');
    expect(outcomeOfStatus(502, 'clear')).toBe('unknown');
    expect(outcomeOfStatus(504, 'set')).toBe('unknown');
    expect(outcomeOfStatus(504, 'set', 'DEADLINE_EXCEEDED')).toBe('failed');
  });

  it('counts a refused connection as failed and a timeout or reset as unknown', () => {
    expect(outcomeOfError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe('failed');
    expect(outcomeOfError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe('unknown');
    expect(outcomeOfError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'EHOSTUNREACH' } }))).toBe('unknown');
    expect(outcomeOfError(new DOMException('timed out', 'TimeoutError'))).toBe('unknown');
    expect(errorCode(new DOMException('timed out', 'TimeoutError'))).toBe('TimeoutError');
  });
});

describe('workloadFailure', () => {
  it('refuses to judge a run whose clients recorded nothing or failed, whatever the checker would say', () => {
    expect(workloadFailure(0, { code: 1, signal: null })).toBe('the clients recorded no operation (their process: exit code 1)');
    expect(workloadFailure(0, undefined)).toBe('the clients recorded no operation (their process: still running)');
    expect(workloadFailure(500, { code: 1, signal: null })).toBe("the clients' process failed (exit code 1) after 500 operations");
    expect(workloadFailure(500, { code: 0, signal: null })).toBeUndefined();
    expect(workloadFailure(500, { code: null, signal: 'SIGTERM' })).toBeUndefined();
  });
});
