import { createClient, type AbortSignalLike, type FetchLike } from './index.js';

interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignalLike;
}

const fakeFetch = (status: number, body: string, calls: Recorded[] = []): FetchLike =>
  async (url, init) => {
    calls.push({ url, ...init });
    return { status, text: async () => body, headers: { get: () => null } };
  };

const item = { value: { n: 1 }, timestamp: '2026-01-01T00:00:00.000Z', accessCount: 2, updatedAt: 1, expiresAt: null, version: '1.0.n1#a' };

describe('createClient', () => {
  it('encodes path params, sends the token and parses the response', async () => {
    const calls: Recorded[] = [];
    const api = createClient({ baseUrl: 'http://h:1/', token: 't0k', fetch: fakeFetch(200, JSON.stringify({ success: true, key: 'a/b c', value: item }), calls) });
    const r = await api.getItem({ key: 'a/b c' });
    expect(r).toEqual({ ok: true, status: 200, data: { success: true, key: 'a/b c', value: item } });
    expect(calls[0].url).toBe('http://h:1/api/cache/a%2Fb%20c');
    expect(calls[0].method).toBe('GET');
    expect(calls[0].headers.authorization).toBe('Bearer t0k');
  });

  it("refuses the keys '.' and '..' before sending anything: fetch turns them into path steps that reach another key", async () => {
    const calls: Recorded[] = [];
    const api = createClient({ baseUrl: 'http://h:1', fetch: fakeFetch(200, '{}', calls) });
    for (const key of ['.', '..']) {
      for (const r of [await api.getItem({ key }), await api.deleteItem({ key })]) {
        expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('cannot travel in a URL path') } });
      }
    }
    expect(calls).toEqual([]);
    // Keys that merely contain dots travel as usual.
    await api.getItem({ key: '...' });
    await api.getItem({ key: 'a.b' });
    expect(calls.map((c) => c.url)).toEqual(['http://h:1/api/cache/...', 'http://h:1/api/cache/a.b']);
  });

  it('with writeTimeoutMs, sends X-Deadline-Ms on writes only and gives up with DEADLINE_EXCEEDED when no answer comes', async () => {
    const calls: Recorded[] = [];
    const ok = createClient({ baseUrl: 'http://h', writeTimeoutMs: 2000, fetch: fakeFetch(200, JSON.stringify({ success: true, message: 'ok', strategy: 'LFU' }), calls) });
    const before = Date.now();
    await ok.setStrategy({ strategy: 'lfu' });
    const deadline = Number(calls[0].headers['x-deadline-ms']);
    expect(deadline).toBeGreaterThanOrEqual(before + 2000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 2000);
    await ok.ping();
    expect(calls[1].headers['x-deadline-ms']).toBeUndefined();
    // A node that never answers: the signal the client passed is what ends the wait.
    const hanging: FetchLike = (_url, init) => new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const slow = createClient({ baseUrl: 'http://h', writeTimeoutMs: 20, fetch: hanging });
    const r = await slow.setItem({ key: 'k', value: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'DEADLINE_EXCEEDED', status: null } });
  });

  it('sends JSON bodies and query strings', async () => {
    const calls: Recorded[] = [];
    const api = createClient({ baseUrl: 'http://h', fetch: fakeFetch(200, JSON.stringify({ success: true, message: 'ok', strategy: 'LFU' }), calls) });
    const r = await api.setStrategy({ strategy: 'lfu' });
    expect(r.ok).toBe(true);
    expect(JSON.parse(calls[0].body!)).toEqual({ strategy: 'LFU' });
    const listCalls: Recorded[] = [];
    const list = createClient({ baseUrl: 'http://h', fetch: fakeFetch(200, JSON.stringify({ success: true, items: [], nextCursor: null, totalKeys: 0 }), listCalls) });
    await list.listKeys({ prefix: 'user:', limit: 5 });
    expect(listCalls[0].url).toBe('http://h/api/cache?prefix=user%3A&limit=5');
  });

  it('returns invalid input as a value naming the field, without a request', async () => {
    const calls: Recorded[] = [];
    const api = createClient({ baseUrl: 'http://h', fetch: fakeFetch(200, '{}', calls) });
    const r = await api.setItem({ key: 'k', value: 1, ttlMs: -5 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION_FAILED');
      expect(r.error.issues?.[0].path).toBe('ttlMs');
    }
    expect(calls).toHaveLength(0);
  });

  it('maps error responses to typed errors', async () => {
    const notFound = createClient({ baseUrl: 'http://h', fetch: fakeFetch(404, JSON.stringify({ success: false, message: 'Key not found' })) });
    expect(await notFound.getItem({ key: 'x' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', status: 404, message: 'Key not found' } });
    const limited = createClient({ baseUrl: 'http://h', fetch: fakeFetch(429, 'Too many') });
    const r = await limited.metrics();
    expect(!r.ok && r.error.code).toBe('RATE_LIMITED');
  });

  it('reports network failures and malformed responses as values', async () => {
    const down = createClient({
      baseUrl: 'http://h',
      fetch: async () => {
        throw new TypeError('connection refused');
      },
    });
    const r = await down.ping();
    expect(!r.ok && r.error.code).toBe('NETWORK_ERROR');
    const odd = createClient({ baseUrl: 'http://h', fetch: fakeFetch(200, JSON.stringify({ success: true })) });
    const o = await odd.clear();
    expect(!o.ok && o.error.code).toBe('INVALID_RESPONSE');
  });

  it('returns text for text routes', async () => {
    const api = createClient({ baseUrl: 'http://h', fetch: fakeFetch(200, 'pong - 2026') });
    expect(await api.ping()).toEqual({ ok: true, status: 200, data: 'pong - 2026' });
  });
});
