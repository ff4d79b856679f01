import { createClient } from '@meshcache/api-contract';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../server/start-server.js';
import { request, startTestServer } from '../test/test-server.js';

jest.setTimeout(60_000);

const SECRET = 'write-concern-secret';

const eventually = async (check: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new TypeError(`timed out waiting for ${what}`);
};

describe('write concern: ?durability=fsync&acks=N&timeoutMs=', () => {
  const servers: RunningServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'meshcache-concern-'));
  afterAll(async () => {
    for (const s of servers) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 200 once the log is fsynced, and 400 without applying when the node keeps no log', async () => {
    const disk = await startTestServer({ NODE_ID: 'disk', DATA_DIR: join(dir, 'disk'), APPEND_FSYNC: 'no' });
    const memory = await startTestServer({ NODE_ID: 'memory' });
    servers.push(disk, memory);
    const synced = await request(disk.url, 'POST', '/api/cache?durability=fsync', { body: { key: 'k', value: 1 } });
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({ success: true, key: 'k', durability: { met: true, fsynced: true, acks: 0 } });
    const refused = await request(memory.url, 'POST', '/api/cache?durability=fsync', { body: { key: 'k', value: 1 } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/DATA_DIR/) });
    expect((await request(memory.url, 'GET', '/api/cache/k')).status).toBe(404);
    for (const bad of ['durability=always', 'acks=-1', 'acks=x', 'timeoutMs=0', 'timeoutMs=600001', 'acks=0x1', 'timeoutMs=1e3']) {
      expect((await request(disk.url, 'POST', `/api/cache?${bad}`, { body: { key: 'bad', value: 1 } })).status).toBe(400);
    }
    expect((await request(disk.url, 'GET', '/api/cache/bad')).status).toBe(404);
  });

  it('waits for N peers to apply the write; short of them at the timeout, answers 202 with what it reached (typed client too)', async () => {
    const a = await startTestServer({ NODE_ID: 'a', CLUSTER_SECRET: SECRET });
    servers.push(a);
    const lonely = await request(a.url, 'POST', '/api/cache?acks=1&timeoutMs=300', { body: { key: 'solo', value: 1 } });
    expect(lonely.status).toBe(202);
    expect(lonely.body).toMatchObject({ success: true, durability: { met: false, fsynced: false, acks: 0 } });
    // Applied all the same, like Redis WAIT: the answer says what was reached, not that it failed.
    expect((await request(a.url, 'GET', '/api/cache/solo')).status).toBe(200);

    const b = await startTestServer({ NODE_ID: 'b', CLUSTER_SECRET: SECRET, PEER_NODES: a.url });
    servers.push(b);
    await eventually(async () => a.context.node.nodes().some((p) => p.id === 'b' && p.state === 'up'), 'a sees b');
    const acked = await request(a.url, 'POST', '/api/cache?acks=1&timeoutMs=10000', { body: { key: 'both', value: 2 } });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ durability: { met: true, acks: 1 } });
    // Acknowledged means applied there: no wait needed to read it on b.
    expect(b.context.node.peek('both')?.value).toBe(2);

    const api = createClient({ baseUrl: a.url });
    const short = await api.setItem({ key: 'typed', value: 3, acks: 2, timeoutMs: 300 });
    expect(short).toMatchObject({ ok: true, status: 202, data: { durability: { met: false, acks: 1 } } });

    // The header form, on the fast path's route too (it hands such a request to Express).
    const header = { 'meshcache-write-concern': 'acks=1&timeoutMs=10000' };
    const byHeader = await request(a.url, 'POST', '/api/cache', { body: { key: 'by-header', value: 4 }, headers: header });
    expect(byHeader.status).toBe(200);
    expect(byHeader.body).toMatchObject({ durability: { met: true, acks: 1 } });
    expect(b.context.node.peek('by-header')?.value).toBe(4);
    // The query wins over the header for a field given in both.
    const both = await request(a.url, 'POST', '/api/cache?acks=2&timeoutMs=300', { body: { key: 'query-wins', value: 5 }, headers: header });
    expect(both.status).toBe(202);
    expect(both.body).toMatchObject({ durability: { met: false, acks: 1 } });

    // DELETE and bulk writes take the same option (query or header) and answer the same way.
    const deleted = await request(a.url, 'DELETE', '/api/cache/both?acks=1&timeoutMs=10000');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ success: true, key: 'both', durability: { met: true, acks: 1 } });
    expect(b.context.node.peek('both')).toBeUndefined();
    const deleteShort = await request(a.url, 'DELETE', '/api/cache/by-header', { headers: { 'meshcache-write-concern': 'acks=2; timeoutMs=300' } });
    expect(deleteShort.status).toBe(202);
    expect(deleteShort.body).toMatchObject({ durability: { met: false, acks: 1 } });
    const items = Array.from({ length: 50 }, (_, i) => ({ key: `bulk-${i}`, value: i }));
    const bulk = await request(a.url, 'POST', '/api/cache/bulk', { body: { items }, headers: header });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ successCount: 50, durability: { met: true, acks: 1 } });
    for (const { key, value } of items) expect(b.context.node.peek(key)?.value).toBe(value);
    const bulkShort = await request(a.url, 'POST', '/api/cache/bulk?acks=2&timeoutMs=300', { body: { items: [{ key: 'bulk-x', value: 1 }] } });
    expect(bulkShort.status).toBe(202);
  });

  it('refuses a malformed header with a 400 naming the field, before anything is applied', async () => {
    const disk = servers[0];
    for (const bad of ['acks=x', 'durability=always', 'timeoutMs=0', 'tll=5', '__proto__=1']) {
      const r = await request(disk.url, 'POST', '/api/cache', { body: { key: 'bad-header', value: 1 }, headers: { 'meshcache-write-concern': bad } });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('meshcache-write-concern');
      const d = await request(disk.url, 'DELETE', '/api/cache/k', { headers: { 'meshcache-write-concern': bad } });
      expect(d.status).toBe(400);
    }
    expect((await request(disk.url, 'GET', '/api/cache/bad-header')).status).toBe(404);
    expect((await request(disk.url, 'GET', '/api/cache/k')).status).toBe(200);
    const fsynced = await request(disk.url, 'DELETE', '/api/cache/k', { headers: { 'meshcache-write-concern': 'durability=fsync' } });
    expect(fsynced.body).toMatchObject({ durability: { met: true, fsynced: true } });
  });
});
