import { createClient, generateOpenApi } from '@meshcache/api-contract';
import type { RunningServer } from '../server/start-server.js';
import { request, startTestServer } from '../test/test-server.js';

describe('REST routes (real HTTP server on 127.0.0.1)', () => {
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer({ CACHE_CAPACITY: '100', DASHBOARD_DIR: '/nonexistent/meshcache-dashboard' });
    base = server.url;
  });
  afterAll(() => server.close());
  beforeEach(() => request(base, 'DELETE', '/api/cache'));

  it('GET /ping answers pong with an ISO time', async () => {
    const r = await request(base, 'GET', '/ping');
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^pong - \d{4}-\d\d-\d\dT/);
  });

  it('GET /health reports healthy with the node id', async () => {
    const r = await request(base, 'GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'healthy', nodeId: 'test-node' });
  });

  it('POST then GET /api/cache/:key returns the seed shape, DELETE removes it', async () => {
    const set = await request(base, 'POST', '/api/cache', { body: { key: 'user:1', value: { name: 'Ada' } } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ success: true, message: 'Item cached successfully', key: 'user:1', version: expect.stringMatching(/^\d+\.\d+\.test-node#/) });
    const got = await request(base, 'GET', '/api/cache/user%3A1');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ success: true, key: 'user:1', value: { value: { name: 'Ada' }, accessCount: expect.any(Number), expiresAt: null } });
    expect((got.body as { value: { timestamp: string } }).value.timestamp).toMatch(/Z$/);
    const del = await request(base, 'DELETE', '/api/cache/user%3A1');
    expect(del.status).toBe(200);
    expect((await request(base, 'GET', '/api/cache/user%3A1')).body).toEqual({ success: false, code: 'NOT_FOUND', message: 'Key not found' });
  });

  it('treats __proto__, constructor and the empty key as ordinary keys', async () => {
    for (const key of ['__proto__', 'constructor', '']) {
      expect((await request(base, 'POST', '/api/cache', { body: { key, value: key.length } })).status).toBe(200);
    }
    expect((await request(base, 'GET', '/api/cache/__proto__')).body).toMatchObject({ key: '__proto__', value: { value: 9 } });
    expect((await request(base, 'GET', '/api/cache/constructor')).body).toMatchObject({ value: { value: 11 } });
    expect((await request(base, 'GET', '/api/cache/')).body).toMatchObject({ key: '', value: { value: 0 } });
    expect((await request(base, 'DELETE', '/api/cache/')).status).toBe(200);
    expect((await request(base, 'GET', '/api/cache/')).status).toBe(404);
    expect(({} as Record<string, unknown>).value).toBeUndefined();
  });

  it('honours ttlMs', async () => {
    await request(base, 'POST', '/api/cache', { body: { key: 't', value: 1, ttlMs: 60_000 } });
    const got = (await request(base, 'GET', '/api/cache/t')).body as { value: { expiresAt: number } };
    expect(got.value.expiresAt).toBeGreaterThan(Date.now());
  });

  it.each([
    ['the fast path', 'application/json'],
    ['Express', 'application/json; charset=UTF-8'],
  ])("accepts the seed's ttl in seconds on %s", async (_path, type) => {
    const before = Date.now();
    expect((await request(base, 'POST', '/api/cache', { body: { key: 'ttl-s', value: 1, ttl: 3600 }, headers: { 'content-type': type } })).status).toBe(200);
    const got = (await request(base, 'GET', '/api/cache/ttl-s')).body as { value: { expiresAt: number } };
    expect(got.value.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(got.value.expiresAt).toBeLessThan(before + 3_700_000);
  });

  it.each([
    ['the fast path', 'application/json'],
    ['Express', 'application/json; charset=UTF-8'],
  ])('answers 400 naming an unknown body field on %s instead of dropping it', async (_path, type) => {
    const r = await request(base, 'POST', '/api/cache', { body: { key: 'typo', value: 1, tll: 60 }, headers: { 'content-type': type } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'tll', message: 'unknown field' }] });
    expect((await request(base, 'GET', '/api/cache/typo')).status).toBe(404);
    const strategy = await request(base, 'POST', '/api/strategy', { body: { strategy: 'LRU', force: true } });
    expect(strategy.body).toMatchObject({ issues: [{ path: 'force' }] });
    const both = await request(base, 'POST', '/api/cache', { body: { key: 'k', value: 1, ttl: 1, ttlMs: 1000 }, headers: { 'content-type': type } });
    expect(both.body).toMatchObject({ issues: [{ path: 'ttl', message: expect.stringContaining('not both') }] });
  });

  it('keeps keep-alive connections open on GET (fast path and Express)', async () => {
    for (const path of ['/api/cache/nope', '/api/cache/nope?via=express', '/api/metrics']) {
      expect((await request(base, 'GET', path)).headers.get('connection')).not.toBe('close');
    }
  });

  it('404s: missing key on GET and DELETE, unknown API route', async () => {
    expect((await request(base, 'GET', '/api/cache/nope')).status).toBe(404);
    expect((await request(base, 'DELETE', '/api/cache/nope')).status).toBe(404);
    const unknown = await request(base, 'GET', '/api/unknown');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });

  it.each([
    [{ value: 1 }, 'key'],
    [{ key: 5, value: 1 }, 'key'],
    [{ key: 'k'.repeat(1025), value: 1 }, 'key'],
    // 513 code points but 1026 UTF-16 units: the limit counts units, as the Redis protocol does.
    [{ key: '😀'.repeat(513), value: 1 }, 'key'],
    [{ key: 'sur\ud800', value: 1 }, 'key'],
    [{ key: '\udc00x', value: 1 }, 'key'],
    [{ key: 'k' }, 'value'],
    [{ key: 'k', value: 1, ttlMs: -1 }, 'ttlMs'],
    [{ key: 'k', value: 1, ttlMs: 1.5 }, 'ttlMs'],
    [{ key: 'k', value: 1, ttlMs: 'soon' }, 'ttlMs'],
  ])('POST /api/cache case %# → 400 naming %s', async (body, field) => {
    const r = await request(base, 'POST', '/api/cache', { body });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: field })] });
    expect((r.body as { message: string }).message).toContain(field);
  });

  it('rejects bad JSON and non-object bodies with 400', async () => {
    const bad = await request(base, 'POST', '/api/cache', { raw: '{"key": ' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_JSON' });
    expect((await request(base, 'POST', '/api/cache', { raw: '"just a string"' })).status).toBe(400);
    expect((await request(base, 'POST', '/api/cache', { raw: '[1,2]' })).status).toBe(400);
    // Valid JSON that is not an object is refused as such, not as JSON that is not valid.
    for (const raw of ['null', '42', 'true']) {
      for (const path of ['/api/cache', '/api/cache/bulk']) {
        const r = await request(base, 'POST', path, { raw });
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('object') });
      }
    }
    // A `null` body is not "no body": the toggle, which flips without one, refuses it and stays on.
    expect((await request(base, 'POST', '/api/sync/toggle', { raw: 'null' })).status).toBe(400);
    expect(((await request(base, 'GET', '/api/sync/status')).body as { syncEnabled: boolean }).syncEnabled).toBe(true);
  });

  it('answers 415 to a body that is not JSON instead of calling every field missing, and reads +json types', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const r = await request(base, 'POST', '/api/cache', { raw: '{"key":"k","value":1}', headers: { 'content-type': type } });
      expect(r.status).toBe(415);
      expect(r.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining(type) });
    }
    const api = await request(base, 'POST', '/api/cache', { raw: '{"key":"vnd","value":1}', headers: { 'content-type': 'application/vnd.api+json' } });
    expect(api.status).toBe(200);
    // No body at all: the schema says what is missing.
    expect((await request(base, 'POST', '/api/strategy')).status).toBe(400);
  });

  it('refuses a body that is not UTF-8 on both paths, instead of storing U+FFFD in place of the bytes', async () => {
    const bytes = (json: string) => Buffer.concat([Buffer.from(json.split('\u0000')[0]), Buffer.from([0xff]), Buffer.from(json.split('\u0000')[1])]);
    // POST /api/cache takes the fast path; bulk goes through Express.
    const one = await request(base, 'POST', '/api/cache', { raw: bytes('{"key":"inv\u0000","value":1}') });
    const bulk = await request(base, 'POST', '/api/cache/bulk', { raw: bytes('{"items":[{"key":"inv\u0000","value":1}]}') });
    for (const r of [one, bulk]) {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'INVALID_JSON', message: expect.stringContaining('not UTF-8') });
    }
    expect((await request(base, 'GET', '/api/cache/inv%EF%BF%BD')).status).toBe(404);
    // Text that is UTF-8 is stored as sent.
    expect((await request(base, 'POST', '/api/cache', { raw: Buffer.from('{"key":"naïve 😀","value":1}') })).status).toBe(200);
    expect((await request(base, 'GET', `/api/cache/${encodeURIComponent('naïve 😀')}`)).status).toBe(200);
  });

  it('refuses values nested deeper than 256 levels with 400 (they used to be stored and then crash the node that answered them), and serves 256', async () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const depth of [257, 4150, 100_000]) {
      const r = await request(base, 'POST', '/api/cache', { raw: `{"key":"deep","value":${nested(depth)}}` });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toMatch(/deeper than 256/);
    }
    const bulk = await request(base, 'POST', '/api/cache/bulk', { raw: `{"items":[{"key":"deep","value":${nested(4150)}},{"key":"ok","value":1}]}` });
    expect(bulk.body).toMatchObject({ successCount: 1, totalCount: 2, failed: [{ index: 0, key: 'deep', message: expect.stringMatching(/deeper than 256/) }] });
    expect((await request(base, 'GET', '/api/cache/deep')).status).toBe(404);
    const kept = await request(base, 'POST', '/api/cache', { raw: `{"key":"deep","value":${nested(256)}}` });
    expect(kept.status).toBe(200);
    const got = await request(base, 'GET', '/api/cache/deep');
    expect(got.status).toBe(200);
    expect(JSON.stringify((got.body as { value: { value: unknown } }).value.value)).toBe(nested(256));
  });

  it('POST /api/cache/bulk applies good items and reports bad ones', async () => {
    const r = await request(base, 'POST', '/api/cache/bulk', {
      body: { items: [{ key: 'a', value: 1 }, { key: 'b' }, 'junk', { key: 'c', value: [1], ttlMs: 1000 }, { key: 7, value: 1 }] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, successCount: 2, totalCount: 5 });
    const failed = (r.body as { failed: { index: number; key?: string; message: string }[] }).failed;
    expect(failed.map((f) => f.index)).toEqual([1, 2, 4]);
    expect(failed[0]).toMatchObject({ key: 'b', message: expect.stringContaining('value') });
    expect((await request(base, 'GET', '/api/cache/c')).status).toBe(200);
  });

  it.each([
    [{}, 'items'],
    [{ items: 'x' }, 'items'],
    [{ items: new Array(10_001).fill(0) }, 'items'],
  ])('POST /api/cache/bulk %# → 400 naming %s', async (body, field) => {
    const r = await request(base, 'POST', '/api/cache/bulk', { body });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ issues: [expect.objectContaining({ path: field })] });
  });

  it('DELETE /api/cache clears', async () => {
    await request(base, 'POST', '/api/cache', { body: { key: 'x', value: 1 } });
    const r = await request(base, 'DELETE', '/api/cache');
    expect(r.body).toEqual({ success: true, message: 'Cache cleared' });
    expect((await request(base, 'GET', '/api/cache')).body).toMatchObject({ items: [], totalKeys: 0 });
  });

  it('GET /api/cache pages through keys by prefix with cursors', async () => {
    await request(base, 'POST', '/api/cache/bulk', { body: { items: ['u:3', 'u:1', 'x', 'u:2', 'u:4'].map((key) => ({ key, value: key })) } });
    const first = (await request(base, 'GET', '/api/cache?prefix=u%3A&limit=3')).body as { items: { key: string; preview: string }[]; nextCursor: string; totalKeys: number };
    expect(first.items.map((i) => i.key)).toEqual(['u:1', 'u:2', 'u:3']);
    expect(first.items[0].preview).toBe('"u:1"');
    // totalKeys counts what the prefix selects, not the whole cache.
    expect(first.totalKeys).toBe(4);
    expect(((await request(base, 'GET', '/api/cache?limit=1')).body as { totalKeys: number }).totalKeys).toBe(5);
    const second = (await request(base, 'GET', `/api/cache?prefix=u%3A&limit=3&cursor=${encodeURIComponent(first.nextCursor)}`)).body as { items: { key: string }[]; nextCursor: string | null };
    expect(second.items.map((i) => i.key)).toEqual(['u:4']);
    expect(second.nextCursor).toBeNull();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1001', 'limit'],
    // Number() reads these as 16, 1000 and 5; no client means them.
    ['limit=0x10', 'limit'],
    ['limit=1e3', 'limit'],
    ['limit=%205', 'limit'],
    ['limit=', 'limit'],
    ['cursor=forged', 'cursor'],
  ])('GET /api/cache?%s → 400 naming %s', async (qs, field) => {
    const r = await request(base, 'GET', `/api/cache?${qs}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ issues: [expect.objectContaining({ path: field })] });
  });

  it('POST /api/strategy switches and keeps items; rejects unknown strategies', async () => {
    await request(base, 'POST', '/api/cache', { body: { key: 'keep', value: 1 } });
    const r = await request(base, 'POST', '/api/strategy', { body: { strategy: 'LFU' } });
    expect(r.body).toEqual({ success: true, message: 'Strategy changed to LFU', strategy: 'LFU' });
    expect((await request(base, 'GET', '/api/metrics')).body).toMatchObject({ cache: { strategy: 'LFU' } });
    expect((await request(base, 'GET', '/api/cache/keep')).status).toBe(200);
    const bad = await request(base, 'POST', '/api/strategy', { body: { strategy: 'FIFO' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ issues: [expect.objectContaining({ path: 'strategy' })] });
    await request(base, 'POST', '/api/strategy', { body: { strategy: 'lru' } });
  });

  it('GET /api/metrics returns cache, sync and server sections counting hits and misses', async () => {
    await request(base, 'POST', '/api/cache', { body: { key: 'm', value: 1 } });
    const before = ((await request(base, 'GET', '/api/metrics')).body as { cache: { hits: number; misses: number } }).cache;
    await request(base, 'GET', '/api/cache/m');
    await request(base, 'GET', '/api/cache/missing');
    const r = (await request(base, 'GET', '/api/metrics')).body as { cache: { hits: number; misses: number; capacity: number }; sync: { nodeId: string }; server: { uptime: number } };
    expect(r.cache.hits).toBe(before.hits + 1);
    expect(r.cache.misses).toBe(before.misses + 1);
    expect(r.cache.capacity).toBe(100);
    expect(r.sync.nodeId).toBe('test-node');
    expect(r.server.uptime).toBeGreaterThan(0);
  });

  it('sync status, toggle (flip and explicit), force and history', async () => {
    expect((await request(base, 'GET', '/api/sync/status')).body).toMatchObject({ nodeId: 'test-node', syncEnabled: true, connectedNodes: 0 });
    expect((await request(base, 'POST', '/api/sync/toggle')).body).toEqual({ success: true, syncEnabled: false });
    expect((await request(base, 'POST', '/api/sync/toggle', { body: { enabled: true } })).body).toEqual({ success: true, syncEnabled: true });
    expect((await request(base, 'POST', '/api/sync/toggle', { body: { enabled: 'yes' } })).status).toBe(400);
    const force = await request(base, 'POST', '/api/sync/force');
    expect(force.status).toBe(200);
    expect(force.body).toMatchObject({ success: true, peers: 0 });
    const history = await request(base, 'GET', '/api/sync/history?limit=5');
    expect(history.body).toMatchObject({ success: true, history: expect.any(Array) });
    expect((await request(base, 'GET', '/api/sync/history?limit=-1')).status).toBe(400);
  });

  it('serves the OpenAPI document and Prometheus metrics', async () => {
    const doc = await request(base, 'GET', '/api/openapi.json');
    expect((doc.body as { paths: object }).paths).toEqual(generateOpenApi().paths);
    await request(base, 'GET', '/api/cache/prom');
    const prom = await request(base, 'GET', '/metrics');
    expect(prom.status).toBe(200);
    expect(prom.text).toMatch(/meshcache_cache_misses_total\{node="test-node"\} \d+/);
    expect(prom.text).toMatch(/meshcache_http_requests_total\{method="GET",route="\/api\/cache\/:key",status="404",node="test-node"\} \d+/);
    expect(prom.text).toContain('meshcache_cache_evictions_total{reason="evict"');
    expect(prom.text).toContain('meshcache_cache_evictions_total{reason="expire"');
    expect(prom.text).toContain('meshcache_http_request_duration_seconds_bucket');
  });

  it('answers 413 beyond the 10 MB JSON limit', async () => {
    const r = await request(base, 'POST', '/api/cache', { raw: JSON.stringify({ key: 'big', value: 'x'.repeat(10 * 1024 * 1024 + 10) }) });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('sets security headers, CORS for FRONTEND_URL and compresses large bodies only', async () => {
    const r = await request(base, 'GET', '/health', { headers: { origin: 'http://localhost:3000', 'accept-encoding': 'gzip' } });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(r.headers.get('content-encoding')).toBeNull();
    expect((await request(base, 'GET', '/health', { headers: { origin: 'http://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it("gives API answers a CSP that loads and frames nothing, and the dashboard's page helmet's document headers", async () => {
    await request(base, 'POST', '/api/cache', { body: { key: 'h', value: 1 } });
    for (const path of ['/api/cache/h', '/api/cache/h?via=express', '/api/cache/missing', '/health', '/api/metrics', '/metrics', '/api/nothing-here']) {
      const r = await request(base, 'GET', path);
      expect([path, r.headers.get('content-security-policy')]).toEqual([path, "default-src 'none'; frame-ancestors 'none'"]);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      // Document-only headers stay off answers no browser renders.
      expect(r.headers.get('origin-agent-cluster')).toBeNull();
      expect(r.headers.get('cross-origin-opener-policy')).toBeNull();
    }
    const page = await request(base, 'GET', '/', { headers: { accept: 'text/html' } });
    expect(page.text).toContain('meshcache is running');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' http: https: ws: wss:");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('origin-agent-cluster')).toBe('?1');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('gzips large answers on the fast path and the Express path alike', async () => {
    const value = 'v'.repeat(5000);
    await request(base, 'POST', '/api/cache', { body: { key: 'large', value } });
    for (const path of ['/api/cache/large', '/api/cache/large?via=express']) {
      const r = await request(base, 'GET', path, { headers: { 'accept-encoding': 'gzip' } });
      expect(r.headers.get('content-encoding')).toBe('gzip');
      expect(r.body).toMatchObject({ key: 'large', value: { value } });
    }
  });

  it('works end to end through the typed client', async () => {
    const api = createClient({ baseUrl: base });
    expect((await api.setItem({ key: 'c1', value: [1, 2] })).ok).toBe(true);
    const got = await api.getItem({ key: 'c1' });
    expect(got.ok && got.data.value.value).toEqual([1, 2]);
    const missing = await api.getItem({ key: 'nope' });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
    for (const call of [api.ping(), api.health(), api.metrics(), api.syncStatus(), api.syncHistory({ limit: 3 }), api.listKeys(), api.openapi(), api.prometheus()]) {
      const r = await call;
      expect(r.ok).toBe(true);
    }
  });

  it('answers 503 on /health and the API while loading from disk, and serves again once ready', async () => {
    server.context.lifecycle.phase = 'loading';
    try {
      const health = await request(base, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'loading', nodeId: 'test-node' });
      expect((await request(base, 'GET', '/api/cache/x')).body).toMatchObject({ code: 'NOT_READY' });
      expect((await request(base, 'POST', '/api/cache', { body: { key: 'x', value: 1 } })).status).toBe(503);
      expect((await request(base, 'GET', '/ping')).status).toBe(200);
    } finally {
      server.context.lifecycle.phase = 'ready';
    }
    expect((await request(base, 'GET', '/health')).status).toBe(200);
  });

  it('serves a how-to-build page at / when the dashboard is not built', async () => {
    const r = await request(base, 'GET', '/', { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('dashboard:build');
  });
});

describe('key listing index', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ CACHE_CAPACITY: '5' });
  });
  afterAll(() => server.close());

  it('follows evictions, deletes, overwrites and clears without rebuilding', async () => {
    const warn = jest.spyOn(server.context.logger, 'warn');
    const listed = async () => ((await request(server.url, 'GET', '/api/cache?limit=1000')).body as { items: { key: string }[]; totalKeys: number });
    const cached = () => [...server.context.node.cache.keys()].sort();
    await request(server.url, 'POST', '/api/cache/bulk', { body: { items: ['h', 'c', 'a', 'g', 'e', 'b', 'f', 'd'].map((key) => ({ key, value: key })) } });
    expect((await listed()).items.map((i) => i.key)).toEqual(cached());
    expect((await listed()).totalKeys).toBe(5);
    await request(server.url, 'POST', '/api/cache', { body: { key: 'f', value: 'again' } });
    await request(server.url, 'DELETE', `/api/cache/${cached()[0]}`);
    await request(server.url, 'POST', '/api/cache', { body: { key: 'short', value: 1, ttlMs: 1 } });
    // Let the 1 ms TTL pass, so the listing and the cache agree that 'short' is gone.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await listed()).items.map((i) => i.key)).toEqual(cached());
    expect(cached()).not.toContain('short');
    await request(server.url, 'DELETE', '/api/cache');
    expect((await listed()).items).toEqual([]);
    await request(server.url, 'POST', '/api/cache', { body: { key: 'z', value: 1 } });
    expect((await listed()).items.map((i) => i.key)).toEqual(['z']);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('CACHE_MAX_BYTES', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ CACHE_MAX_BYTES: '2000' });
  });
  afterAll(() => server.close());

  it('refuses a value larger than the whole budget with 507 on both paths, and reports bytes', async () => {
    const big = { key: 'big', value: 'x'.repeat(5000) };
    const fast = await request(server.url, 'POST', '/api/cache', { body: big });
    expect(fast.status).toBe(507);
    expect(fast.body).toMatchObject({ success: false, code: 'CAPACITY_EXCEEDED' });
    const slow = await request(server.url, 'POST', '/api/cache', { body: big, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(slow.status).toBe(507);
    const bulk = await request(server.url, 'POST', '/api/cache/bulk', { body: { items: [big, { key: 'small', value: 1 }] } });
    expect(bulk.body).toMatchObject({ successCount: 1, totalCount: 2, failed: [{ index: 0, key: 'big' }] });
    const prom = await request(server.url, 'GET', '/metrics');
    expect(prom.text).toMatch(/meshcache_cache_bytes\{node="test-node"\} [1-9]/);
  });

  it('counts bytes one way: the listing shows what an entry costs against the budget (UTF-8 of key + JSON value)', async () => {
    await request(server.url, 'DELETE', '/api/cache');
    // 'é' is 2 UTF-8 bytes, '€' 3: a length count or two bytes per UTF-16 unit would differ.
    const value = 'é€'.repeat(100);
    expect((await request(server.url, 'POST', '/api/cache', { body: { key: 'ké', value } })).status).toBe(200);
    const row = ((await request(server.url, 'GET', '/api/cache?prefix=k')).body as { items: { key: string; bytes: number }[] }).items[0];
    expect(row.bytes).toBe(Buffer.byteLength('ké') + Buffer.byteLength(JSON.stringify(value)));
    const prom = await request(server.url, 'GET', '/metrics');
    expect(prom.text).toContain(`meshcache_cache_bytes{node="test-node"} ${row.bytes}`);
  });

  it('reports hitRatio (the library\'s name) with the seed\'s hitRate beside it', async () => {
    await request(server.url, 'GET', '/api/cache/ké');
    await request(server.url, 'GET', '/api/cache/none');
    const cache = ((await request(server.url, 'GET', '/api/metrics')).body as { cache: { hitRatio: number; hitRate: number; missRatio: number; missRate: number } }).cache;
    expect(cache.hitRatio).toBeGreaterThan(0);
    expect(cache.hitRate).toBe(cache.hitRatio);
    expect(cache.missRate).toBe(cache.missRatio);
  });
});

describe('fast path and Express stack agree', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_TOKEN: 'agree-token-1' });
  });
  afterAll(() => server.close());

  // `application/json` takes the fast path; any other spelling of the type goes through Express.
  const FAST = { 'content-type': 'application/json', authorization: 'Bearer agree-token-1' };
  const EXPRESS = { 'content-type': 'application/json; charset=UTF-8', authorization: 'Bearer agree-token-1' };
  const strip = (h: Headers) => {
    const out = new Map<string, string>();
    h.forEach((v, k) => {
      // Each write makes its own version: the ETag is compared in its own test.
      if (!['date', 'content-length', 'connection', 'keep-alive', 'ratelimit', 'ratelimit-policy', 'etag'].includes(k)) out.set(k, v);
    });
    return out;
  };

  it.each([
    { key: 'a', value: { n: 1 } },
    { key: 'b', value: 'v', ttlMs: 5000 },
    { key: 'a' },
    { key: 'x'.repeat(1025), value: 1 },
    { key: '😀'.repeat(513), value: 1 },
    { key: 'a', value: 1, ttlMs: 0 },
    { key: 'a', value: 1, ttl: 60 },
    { key: 'a', value: 1, extra: true },
    [1, 2],
    null,
    42,
  ])('POST /api/cache %# gives the same status, body and headers on both paths', async (body) => {
    const fast = await request(server.url, 'POST', '/api/cache', { body, headers: FAST });
    const slow = await request(server.url, 'POST', '/api/cache', { body, headers: EXPRESS });
    expect(fast.status).toBe(slow.status);
    const { version: fastVersion, ...fastBody } = fast.body as { version?: string };
    const { version: slowVersion, ...slowBody } = slow.body as { version?: string };
    expect(fastBody).toEqual(slowBody);
    expect(fast.headers.get('etag')).toBe(fastVersion === undefined ? null : `"${fastVersion}"`);
    expect(slow.headers.get('etag')).toBe(slowVersion === undefined ? null : `"${slowVersion}"`);
    expect(strip(fast.headers)).toEqual(strip(slow.headers));
  });

  it.each([
    ['the fast path', FAST, ''],
    ['Express', EXPRESS, '?via=express'],
  ])('answers the version of each write and honours If-None-Match on %s', async (_path, headers, query) => {
    const auth = { authorization: headers.authorization };
    const first = await request(server.url, 'POST', '/api/cache', { body: { key: 'e', value: 1 }, headers });
    const version = (first.body as { version: string }).version;
    expect(first.headers.get('etag')).toBe(`"${version}"`);
    const read = await request(server.url, 'GET', `/api/cache/e${query}`, { headers: auth });
    expect(read.headers.get('etag')).toBe(`"${version}"`);
    expect((read.body as { value: { version: string } }).value.version).toBe(version);
    for (const tag of [`"${version}"`, `W/"${version}"`, `"other", "${version}"`, '*']) {
      const cached = await request(server.url, 'GET', `/api/cache/e${query}`, { headers: { ...auth, 'if-none-match': tag } });
      expect(cached.status).toBe(304);
      expect(cached.text).toBe('');
      expect(cached.headers.get('etag')).toBe(`"${version}"`);
    }
    const second = await request(server.url, 'POST', '/api/cache', { body: { key: 'e', value: 2 }, headers });
    const newer = (second.body as { version: string }).version;
    expect(newer).not.toBe(version);
    const changed = await request(server.url, 'GET', `/api/cache/e${query}`, { headers: { ...auth, 'if-none-match': `"${version}"` } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(`"${newer}"`);
    expect((changed.body as { value: { value: number } }).value.value).toBe(2);
  });

  it('GET /api/cache/:key gives the same answers on both paths, including 401', async () => {
    await request(server.url, 'POST', '/api/cache', { body: { key: 'g', value: [1] }, headers: FAST });
    for (const [path, headers] of [
      ['/api/cache/g', { authorization: FAST.authorization, origin: 'http://localhost:3000' }],
      ['/api/cache/none', { authorization: FAST.authorization }],
      ['/api/cache/g', {}],
    ] as const) {
      const fast = await request(server.url, 'GET', path, { headers });
      const slow = await request(server.url, 'GET', `${path}?via=express`, { headers });
      expect(fast.status).toBe(slow.status);
      const { accessCount: _a, ...fastValue } = ((fast.body as { value?: object }).value ?? {}) as { accessCount?: number };
      const { accessCount: _b, ...slowValue } = ((slow.body as { value?: object }).value ?? {}) as { accessCount?: number };
      expect(fastValue).toEqual(slowValue);
      expect(strip(fast.headers)).toEqual(strip(slow.headers));
    }
  });
});
