import fc from 'fast-check';
import type { RunningServer } from '../server/start-server.js';
import { startTestServer } from '../test/test-server.js';

const TOKEN = 'fuzz-token-123';

const segment = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '..', '%2e%2e', '%00', '%ZZ', 'bulk', '', 'k'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.constant('x'.repeat(3000)),
);
const path = fc.oneof(
  fc.constantFrom('/api/cache', '/api/cache/', '/api/cache/bulk', '/api/strategy', '/api/metrics', '/api/sync/toggle', '/api/sync/force', '/api/sync/history', '/health', '/ping'),
  segment.map((s) => `/api/cache/${s}`),
  fc.tuple(fc.constantFrom('limit', 'cursor', 'prefix', '__proto__', 'limit[]'), segment).map(([k, v]) => `/api/cache?${k}=${v}`),
  fc.tuple(fc.constantFrom('limit', 'x'), segment).map(([k, v]) => `/api/sync/history?${k}=${v}&${k}=${v}`),
  fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`),
);

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const hostileObject = fc.record({
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', ''), fc.string(), fc.integer(), fc.constant(null)),
  value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ __proto__: { polluted: true } })),
  ttlMs: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(undefined)),
  strategy: fc.oneof(fc.constantFrom('LRU', 'lfu', 'FIFO'), fc.string()),
  items: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), fc.string()),
  enabled: fc.oneof(fc.boolean(), fc.string()),
});
const body = fc.oneof(
  fc.constant(undefined),
  hostileObject.map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('{"__proto__": {"polluted": true}, "key": "p", "value": 1}', '{"constructor": {"prototype": {"polluted": true}}}', '{"key": "d", "value": ' + deep(3000) + '}', '{"key": "s", "value": "' + 'y'.repeat(200_000) + '"}', '{', 'null', '[]'),
);
const headers = fc.record({
  'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8'),
  authorization: fc.constantFrom(`Bearer ${TOKEN}`, 'Bearer nope', 'Basic Zm9vOmJhcg==', ''),
});

// 250 real requests: seconds on a loaded machine.
jest.setTimeout(120_000);

describe('fuzzed requests', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_TOKEN: TOKEN, PUBLIC_READS: 'true', CACHE_CAPACITY: '50' });
  });
  afterAll(() => server.close());

  const state = () => {
    const node = server.context.node;
    return JSON.stringify([...node.cache.keys()].sort().map((k) => [k, node.peek(k)?.value]));
  };

  it('never answer 5xx, never pollute prototypes, and leave state unchanged when rejected', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'), path, headers, body, async (method, p, h, b) => {
        const before = state();
        const sendsBody = method !== 'GET' && b !== undefined;
        const hs: Record<string, string> = Object.fromEntries(Object.entries(h).filter(([, v]) => v));
        const res = await fetch(server.url + p, { method, headers: hs, body: sendsBody ? b : undefined });
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400 && p !== '/health') {
          expect(state()).toBe(before);
          if (p.startsWith('/api')) expect(() => JSON.parse(text)).not.toThrow();
        }
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
      }),
      { numRuns: 250 },
    );
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  }, 120_000); // about 14 s on a 2-core machine under load 28: far past the 5 s default
});
