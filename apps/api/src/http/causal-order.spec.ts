import { createClient, createSession } from '@meshcache/api-contract';
import type { RunningServer } from '../server/start-server.js';
import { request, startTestServer } from '../test/test-server.js';

jest.setTimeout(60_000);

const SECRET = 'causal-order-secret';

const eventually = async (check: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new TypeError(`timed out waiting for ${what}`);
};

/** `<wall>.<logical>.<origin>` → wall ms. */
const wallOf = (version: string) => Number(version.replace(/"/g, '').split('.')[0]);

describe('X-After-Version: a client orders its writes across nodes', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    a = await startTestServer({ NODE_ID: 'a', CLUSTER_SECRET: SECRET });
    b = await startTestServer({ NODE_ID: 'b', CLUSTER_SECRET: SECRET, PEER_NODES: a.url });
    await eventually(() => a.context.node.nodes().some((p) => p.id === 'b' && p.state === 'up'), 'a sees b');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** A write on a stamped 20 s ahead (as if a's clock ran 20 s fast, within MAX_CLOCK_OFFSET_MS), then one on b. */
  const aheadOnA = async (key: string) => {
    const future = `${Date.now() + 20_000}.0.a~future`;
    const first = await request(a.url, 'POST', '/api/cache', { body: { key, value: 'first' }, headers: { 'x-after-version': future } });
    expect(first.status).toBe(200);
    const version = (first.body as { version: string }).version;
    expect(wallOf(version)).toBeGreaterThanOrEqual(wallOf(future));
    return version;
  };

  /** a's writes wait on a while `body` runs: b cannot have seen them (its clock would then order b's writes after them by itself). */
  const whileAHolds = async (body: () => Promise<void>) => {
    expect((await request(a.url, 'POST', '/api/sync/toggle', { body: { enabled: false } })).status).toBe(200);
    await body();
    expect((await request(a.url, 'POST', '/api/sync/toggle', { body: { enabled: true } })).status).toBe(200);
  };
  const value = (node: RunningServer, key: string) => node.context.node.peek(key)?.value;

  it('without it the clocks decide; with the first write\'s version, the second wins on both nodes (fast path and Express)', async () => {
    await whileAHolds(async () => {
      await aheadOnA('plain');
      expect((await request(b.url, 'POST', '/api/cache', { body: { key: 'plain', value: 'second' } })).status).toBe(200);
      const version = await aheadOnA('ordered');
      const second = await request(b.url, 'POST', '/api/cache', { body: { key: 'ordered', value: 'second' }, headers: { 'x-after-version': `"${version}"` } });
      expect(second.status).toBe(200);
      // Express' stack (a DELETE) reads it too. b does not hold the key yet (404), but a delete is
      // replicated all the same, and wins over a's write.
      const deleted = await aheadOnA('deleted');
      expect((await request(b.url, 'DELETE', '/api/cache/deleted', { headers: { 'x-after-version': deleted } })).status).toBe(404);
    });
    await eventually(() => [a, b].every((n) => value(n, 'plain') === 'first' && value(n, 'ordered') === 'second' && value(n, 'deleted') === undefined), 'both nodes agree');
  });

  it('the typed client carries it for a session shared by clients of several nodes', async () => {
    const session = createSession();
    const onA = createClient({ baseUrl: a.url, session });
    const onB = createClient({ baseUrl: b.url, session });
    await whileAHolds(async () => {
      await aheadOnA('session');
      // Reading the item puts its version (ETag) in the session, like a write's answer does.
      expect((await onA.getItem({ key: 'session' })).ok).toBe(true);
      expect(wallOf(session.newest ?? '0')).toBeGreaterThan(Date.now() + 10_000);
      expect((await onB.setItem({ key: 'session', value: 'after the read' })).ok).toBe(true);
    });
    await eventually(() => [a, b].every((n) => value(n, 'session') === 'after the read'), 'both nodes took the later write');
  });

  it('refuses a malformed version (400) and one too far ahead (503 CLOCK_SKEW), applying nothing', async () => {
    for (const bad of ['yesterday', '1.2', '-5.0.a', `${Date.now()}.0.`]) {
      const r = await request(b.url, 'POST', '/api/cache', { body: { key: 'refused', value: 1 }, headers: { 'x-after-version': bad } });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'headers.X-After-Version' })] });
    }
    const far = await request(b.url, 'POST', '/api/cache', { body: { key: 'refused', value: 1 }, headers: { 'x-after-version': `${Date.now() + 3_600_000}.0.a~x` } });
    expect(far.status).toBe(503);
    expect(far.body).toMatchObject({ code: 'CLOCK_SKEW', message: expect.stringContaining('ahead of this node') });
    expect((await request(b.url, 'GET', '/api/cache/refused')).status).toBe(404);
    // b's clock did not move: its next write is stamped now.
    const next = await request(b.url, 'POST', '/api/cache', { body: { key: 'now', value: 1 } });
    expect(wallOf((next.body as { version: string }).version)).toBeLessThan(Date.now() + 30_000);
  });
});
