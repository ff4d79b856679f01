import type { ClusterMetricsResponse, ClusterToggleSyncResponse, DeleteMatchingResponse, ListKeysResponse, MetricsResponse } from '@meshcache/api-contract';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../../server/start-server.js';
import { freePort } from '@meshcache/test-support';
import { eventually } from '../../test/cluster-processes.js';
import { request, startTestServer } from '../../test/test-server.js';

jest.setTimeout(60_000);

const SECRET = 'cluster-routes-secret';
const TOKEN = 'cluster-routes-token';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('cluster-wide routes between two in-process nodes', () => {
  let a: RunningServer;
  let b: RunningServer;
  let deadPort: number;
  // Listens at a configured peer address but is no member (a stale address, another machine now):
  // it records every Authorization header it is sent.
  let stranger: Server;
  const strangerSaw: (string | undefined)[] = [];

  beforeAll(async () => {
    deadPort = await freePort();
    stranger = createServer((req, res) => {
      strangerSaw.push(req.headers.authorization);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => stranger.listen(deadPort, '127.0.0.1', resolve));
    b = await startTestServer({ NODE_ID: 'b', CLUSTER_SECRET: SECRET, AUTH_TOKEN: TOKEN });
    a = await startTestServer({ NODE_ID: 'a', CLUSTER_SECRET: SECRET, AUTH_TOKEN: TOKEN, PEER_NODES: `${b.url},http://127.0.0.1:${deadPort}` });
    await eventually(async () => a.context.node.nodes().some((p) => p.id === 'b' && p.state === 'up') && b.context.node.nodes().some((p) => p.id === 'a' && p.state === 'up'), 'a and b linked');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await new Promise((resolve) => stranger?.close(resolve));
  });

  it("collects every node's metrics with the caller's token, and names the node it could not reach without sending it the token", async () => {
    const res = await request(a.url, 'GET', '/api/cluster/metrics', { headers: auth });
    expect(res.status).toBe(200);
    const body = res.body as ClusterMetricsResponse;
    expect(body.nodeId).toBe('a');
    const byId = new Map(body.nodes.map((n) => [n.id, n]));
    expect(byId.get('a')).toMatchObject({ ok: true });
    expect(byId.get('b')).toMatchObject({ ok: true, url: b.url });
    const bMetrics = byId.get('b');
    expect(bMetrics?.ok && bMetrics.metrics.server.nodeId).toBe('b');
    const dead = body.nodes.find((n) => n.url === `http://127.0.0.1:${deadPort}`);
    expect(dead).toMatchObject({ ok: false, error: 'down (no session with this node): not asked' });
    expect(strangerSaw.filter((h) => h?.includes(TOKEN))).toEqual([]);
  });

  it('asks for the token like every read, and a peer refusing the caller says so', async () => {
    expect((await request(a.url, 'GET', '/api/cluster/metrics')).status).toBe(401);
    const wrong = await startTestServer({ NODE_ID: 'other-token', CLUSTER_SECRET: SECRET, AUTH_TOKEN: 'another-token-entirely', PEER_NODES: a.url });
    try {
      await eventually(async () => a.context.node.nodes().some((p) => p.id === 'other-token' && p.state === 'up'), 'third node linked');
      const body = (await request(a.url, 'GET', '/api/cluster/metrics', { headers: auth })).body as ClusterMetricsResponse;
      const refused = body.nodes.find((n) => n.id === 'other-token');
      expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/^HTTP 401/) });
    } finally {
      await wrong.close();
    }
  });

  it('turns replication off and on on every node, and says which node did not confirm', async () => {
    const off = await request(a.url, 'POST', '/api/cluster/sync/toggle', { headers: auth, body: { enabled: false } });
    expect(off.status).toBe(200);
    const body = off.body as ClusterToggleSyncResponse;
    expect(body.allApplied).toBe(false);
    expect(body.nodes.filter((n) => n.ok).map((n) => n.id).sort()).toEqual(['a', 'b']);
    expect(body.nodes.find((n) => !n.ok)?.error).toMatch(/not asked/);
    expect(strangerSaw.filter((h) => h?.includes(TOKEN))).toEqual([]);
    expect(a.context.node.syncEnabled).toBe(false);
    expect(b.context.node.syncEnabled).toBe(false);
    await request(a.url, 'POST', '/api/cluster/sync/toggle', { headers: auth, body: { enabled: true } });
    expect(a.context.node.syncEnabled).toBe(true);
    expect(b.context.node.syncEnabled).toBe(true);
  });

  it('rejects a toggle without a boolean `enabled` with 400', async () => {
    for (const body of [{}, { enabled: 'yes' }, { enabled: true, extra: 1 }]) {
      expect((await request(a.url, 'POST', '/api/cluster/sync/toggle', { headers: auth, body })).status).toBe(400);
    }
  });

  it('filters keys by glob with a match count, and deletes by pattern on every node', async () => {
    const items = ['user:1', 'user:2', 'user:30', 'session:1', '__proto__'].map((key) => ({ key, value: key }));
    expect((await request(a.url, 'POST', '/api/cache/bulk', { headers: auth, body: { items } })).status).toBe(200);
    await eventually(async () => b.context.node.cache.size >= 5, 'b has the keys');
    const listed = (await request(a.url, 'GET', `/api/cache?pattern=${encodeURIComponent('user:?')}`, { headers: auth })).body as ListKeysResponse;
    expect(listed.items.map((i) => i.key)).toEqual(['user:1', 'user:2']);
    expect(listed).toMatchObject({ totalKeys: 2, totalIsLowerBound: false, nextCursor: null });
    const proto = (await request(a.url, 'GET', '/api/cache?pattern=__proto*', { headers: auth })).body as ListKeysResponse;
    expect(proto.items.map((i) => i.key)).toEqual(['__proto__']);

    const first = await request(a.url, 'POST', '/api/cache/delete-matching', { headers: auth, body: { pattern: 'user:*', limit: 2 } });
    expect(first.status).toBe(200);
    expect(first.body as DeleteMatchingResponse).toMatchObject({ deleted: 2, more: true });
    const rest = (await request(a.url, 'POST', '/api/cache/delete-matching', { headers: auth, body: { pattern: 'user:*' } })).body as DeleteMatchingResponse;
    expect(rest).toMatchObject({ deleted: 1, more: false });
    await eventually(async () => ['user:1', 'user:2', 'user:30'].every((k) => !b.context.node.cache.has(k)), 'deletes replicated to b');
    expect(b.context.node.cache.has('session:1')).toBe(true);
  });

  it('answers a pattern delete the node refuses part-way (a full disk) with the refusal, naming how many it applied', async () => {
    const items = ['full:1', 'full:2', 'full:3', 'full:4'].map((key) => ({ key, value: key }));
    expect((await request(a.url, 'POST', '/api/cache/bulk', { headers: auth, body: { items } })).status).toBe(200);
    // The op log refusing from the third record on is what a disk filling up mid-request does.
    let recorded = 0;
    a.context.node.setJournal(() => (++recorded <= 2 ? { ok: true } : { ok: false, message: 'ENOSPC: no space left on device, write' }));
    try {
      const res = await request(a.url, 'POST', '/api/cache/delete-matching', { headers: auth, body: { pattern: 'full:*' } });
      expect(res.status).toBe(507);
      expect(res.body).toMatchObject({ success: false, code: 'DISK_FULL', applied: 2, message: expect.stringMatching(/^Deleted 2 key\(s\), then the node refused/) });
    } finally {
      a.context.node.setJournal(undefined);
    }
    expect(['full:1', 'full:2', 'full:3', 'full:4'].filter((k) => a.context.node.cache.has(k))).toEqual(['full:3', 'full:4']);
  });

  it('refuses a pattern delete without the token, or with an empty or oversized pattern', async () => {
    expect((await request(a.url, 'POST', '/api/cache/delete-matching', { body: { pattern: '*' } })).status).toBe(401);
    for (const body of [{ pattern: '' }, { pattern: 'x'.repeat(1025) }, { pattern: '*', limit: 0 }, { pattern: '*', limit: 10_001 }, {}]) {
      expect((await request(a.url, 'POST', '/api/cache/delete-matching', { headers: auth, body })).status).toBe(400);
    }
    expect((await request(a.url, 'GET', '/api/cache?pattern=', { headers: auth })).status).toBe(400);
  });
});

describe('GET /api/metrics persistence, latency and connections', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reports no persistence without DATA_DIR, and counts requests in the latency histogram', async () => {
    const node = await startTestServer();
    try {
      await request(node.url, 'GET', '/ping');
      const first = (await request(node.url, 'GET', '/api/metrics')).body as MetricsResponse;
      expect(first.server.persistence).toBeNull();
      expect(first.server.connections).toBeGreaterThanOrEqual(1);
      const before = first.server.latency?.counts.at(-1) ?? 0;
      expect(before).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < 3; i++) await request(node.url, 'GET', '/ping');
      const second = (await request(node.url, 'GET', '/api/metrics')).body as MetricsResponse;
      expect(second.server.latency?.counts.at(-1)).toBeGreaterThanOrEqual(before + 4);
      const counts = second.server.latency?.counts ?? [];
      expect(counts).toEqual([...counts].sort((x, y) => x - y));
    } finally {
      await node.close();
    }
  });

  it("snapshots its data directory at once after installing a peer's snapshot (a restart must claim what it holds)", async () => {
    dir = await mkdtemp(join(tmpdir(), 'install-snapshot-'));
    const secret = 'install-snapshot-secret';
    const source = await startTestServer({ NODE_ID: 'source', CLUSTER_SECRET: secret });
    let joiner: RunningServer | undefined;
    try {
      // More operations than the source's backlog keeps: a joiner can only be filled by a snapshot.
      for (let n = 0; n < 11; n++) {
        const items = Array.from({ length: 1000 }, (_, i) => ({ key: `k${n}-${i}`, value: i }));
        expect((await request(source.url, 'POST', '/api/cache/bulk', { body: { items } })).status).toBe(200);
      }
      joiner = await startTestServer({ NODE_ID: 'joiner', CLUSTER_SECRET: secret, DATA_DIR: dir, SNAPSHOT_INTERVAL_MS: '86400000', PEER_NODES: source.url });
      const store = joiner.context.persistence.store;
      const before = store?.status().lastSnapshotAt ?? null;
      await eventually(async () => joiner?.context.node.cache.size === source.context.node.cache.size, 'the joiner filled');
      expect(joiner.context.node.stats().fullSyncs).toBeGreaterThanOrEqual(1);
      await eventually(async () => (store?.status().lastSnapshotAt ?? null) !== before, 'a snapshot taken after the install');
    } finally {
      await joiner?.close();
      await source.close();
    }
  });

  it("shows the data directory's fsync mode, operation log and disk state with DATA_DIR", async () => {
    dir = await mkdtemp(join(tmpdir(), 'metrics-persistence-'));
    const node = await startTestServer({ DATA_DIR: dir, APPEND_FSYNC: 'always' });
    try {
      await request(node.url, 'POST', '/api/cache', { body: { key: 'k', value: 1 } });
      const metrics = (await request(node.url, 'GET', '/api/metrics')).body as MetricsResponse;
      expect(metrics.server.persistence).toMatchObject({ fsync: 'always', disk: { writable: true } });
      expect(metrics.server.persistence?.opLogRecords).toBeGreaterThanOrEqual(1);
      expect(metrics.server.persistence?.opLogBytes).toBeGreaterThan(0);
    } finally {
      await node.close();
    }
  });
});
