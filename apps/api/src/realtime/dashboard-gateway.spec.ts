import { cacheDeltaEventSchema, cacheStateEventSchema, metricsUpdateEventSchema, nodeListUpdateEventSchema, type CacheDeltaEvent } from '@meshcache/api-contract';
import { io, type Socket } from 'socket.io-client';
import type { RunningServer } from '../server/start-server.js';
import { request, startTestServer } from '../test/test-server.js';

const next = <T>(socket: Socket, event: string, accept: (payload: T) => boolean = () => true): Promise<T> =>
  new Promise((resolve) => {
    const on = (payload: T) => {
      if (!accept(payload)) return;
      socket.off(event, on);
      resolve(payload);
    };
    socket.on(event, on);
  });

describe('dashboard socket gateway', () => {
  let server: RunningServer;
  let socket: Socket;
  beforeAll(async () => {
    server = await startTestServer();
    await request(server.url, 'POST', '/api/cache/bulk', { body: { items: Array.from({ length: 120 }, (_, i) => ({ key: `k${String(i).padStart(3, '0')}`, value: i })) } });
  });
  afterAll(async () => {
    socket?.close();
    await server.close();
  });

  it('sends a bounded cache-state page and the node list on connect', async () => {
    socket = io(server.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
    const state = next<unknown>(socket, 'cache-state');
    const nodes = next<unknown>(socket, 'node-list-update');
    socket.connect();
    const s = cacheStateEventSchema.parse(await state);
    expect(s.items).toHaveLength(50);
    expect(s.totalKeys).toBe(120);
    expect(s.nextCursor).not.toBeNull();
    const n = nodeListUpdateEventSchema.parse(await nodes);
    expect(n).toMatchObject({ currentNode: 'test-node', totalNodes: 1 });
    expect(n.nodes[0]).toMatchObject({ id: 'test-node', self: true, state: 'up', url: server.url });
  });

  it('answers get-cache-state with the requested page', async () => {
    const reply = next<unknown>(socket, 'cache-state');
    socket.emit('get-cache-state', { prefix: 'k11', limit: 5 });
    const s = cacheStateEventSchema.parse(await reply);
    expect(s.items.map((i) => i.key)).toEqual(['k110', 'k111', 'k112', 'k113', 'k114']);
  });

  it('pushes batched deltas (one change per key per delta), never the whole cache', async () => {
    expect(await socket.emitWithAck('set-view', {})).toEqual({ ok: true });
    const deltas: CacheDeltaEvent[] = [];
    const collect = (d: unknown) => deltas.push(cacheDeltaEventSchema.parse(d));
    socket.on('cache-delta', collect);
    const settled = next<CacheDeltaEvent>(socket, 'cache-delta', () =>
      deltas.some((d) => d.changes.some((c) => c.kind === 'set' && c.key === 'fresh' && c.entry.preview === '2')) &&
      deltas.some((d) => d.changes.some((c) => c.kind === 'delete' && c.key === 'k000')),
    );
    await request(server.url, 'POST', '/api/cache', { body: { key: 'fresh', value: 1 } });
    await request(server.url, 'POST', '/api/cache', { body: { key: 'fresh', value: 2 } });
    await request(server.url, 'DELETE', '/api/cache/k000');
    await settled;
    socket.off('cache-delta', collect);
    for (const d of deltas) {
      expect(d.changes.filter((c) => 'key' in c && c.key === 'fresh').length).toBeLessThanOrEqual(1);
      expect(d.changes.length).toBeLessThan(10);
    }
  });

  it("sends each tab only the changes of the keys it shows, and counts the rest", async () => {
    // Listen before connecting: the first cache-state may come while we wait for the other tab.
    const other = io(server.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
    const otherFirstPage = next<unknown>(other, 'cache-state');
    other.connect();
    try {
      const page = next<unknown>(socket, 'cache-state');
      socket.emit('get-cache-state', { prefix: 'k11', limit: 5 });
      expect(cacheStateEventSchema.parse(await page).items.at(-1)?.key).toBe('k114');
      await otherFirstPage;
      expect(await other.emitWithAck('set-view', { prefix: 'zz' })).toEqual({ ok: true });
      // Garbage keeps the view the tab had.
      expect(await other.emitWithAck('set-view', { prefix: { $gt: '' } })).toEqual({ ok: false });
      const seen = (s: Socket) => {
        const deltas: CacheDeltaEvent[] = [];
        s.on('cache-delta', (d: unknown) => deltas.push(cacheDeltaEventSchema.parse(d)));
        return deltas;
      };
      const [mine, theirs] = [seen(socket), seen(other)];
      const keysOf = (deltas: CacheDeltaEvent[]) => deltas.flatMap((d) => d.changes.flatMap((c) => ('key' in c ? [c.key] : [])));
      const elsewhereOf = (deltas: CacheDeltaEvent[]) => deltas.reduce((n, d) => n + d.elsewhere, 0);
      for (const key of ['k112', 'k115', 'k1', 'zz1', 'zz2', 'zy']) await request(server.url, 'POST', '/api/cache', { body: { key, value: key } });
      // A delta may arrive before we start waiting for it: check what was collected first.
      const reach = async (s: Socket, done: () => boolean) => (done() ? undefined : next<unknown>(s, 'cache-delta', done));
      await reach(socket, () => elsewhereOf(mine) >= 5);
      await reach(other, () => elsewhereOf(theirs) >= 4);
      expect(keysOf(mine)).toEqual(['k112']);
      expect(keysOf(theirs)).toEqual(['zz1', 'zz2']);
    } finally {
      other.close();
    }
  });

  it("counts the keys under the tab's prefix as totalKeys, in cache-state and in deltas", async () => {
    const page = next<unknown>(socket, 'cache-state');
    socket.emit('get-cache-state', { prefix: 'k11', limit: 50 });
    expect(cacheStateEventSchema.parse(await page).totalKeys).toBe(10);
    const delta = next<unknown>(socket, 'cache-delta', (d) => (d as CacheDeltaEvent).changes.some((c) => 'key' in c && c.key === 'k11x'));
    await request(server.url, 'POST', '/api/cache', { body: { key: 'k11x', value: 1 } });
    expect(cacheDeltaEventSchema.parse(await delta).totalKeys).toBe(11);
  });

  it('reports a strategy change and a clear', async () => {
    const delta = next<unknown>(socket, 'cache-delta', (d) => (d as { changes: { kind: string }[] }).changes.some((c) => c.kind === 'strategy'));
    await request(server.url, 'POST', '/api/strategy', { body: { strategy: 'LFU' } });
    expect(cacheDeltaEventSchema.parse(await delta).changes).toContainEqual({ kind: 'strategy', strategy: 'LFU', source: 'local' });
    const cleared = next<unknown>(socket, 'cache-delta', (d) => (d as { changes: { kind: string }[] }).changes.some((c) => c.kind === 'clear'));
    await request(server.url, 'DELETE', '/api/cache');
    expect(cacheDeltaEventSchema.parse(await cleared).totalKeys).toBe(0);
  });

  it('streams metrics-update with the seed cache fields at the top level', async () => {
    const m = metricsUpdateEventSchema.parse(await next<unknown>(socket, 'metrics-update'));
    expect(m).toMatchObject({ nodeId: 'test-node', strategy: 'LFU', size: 0 });
    expect(m.sync.nodeId).toBe('test-node');
  });
});

describe('get-cache-state flood', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('coalesces a burst of requests and answers the latest', async () => {
    await request(server.url, 'POST', '/api/cache/bulk', { body: { items: ['a', 'b', 'c', 'd'].map((key) => ({ key, value: key })) } });
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
    const states: { items: unknown[] }[] = [];
    socket.on('cache-state', (s: { items: unknown[] }) => states.push(s));
    const first = next<unknown>(socket, 'cache-state');
    socket.connect();
    await first;
    socket.emit('get-cache-state', { limit: 1 });
    for (let i = 0; i < 50; i++) socket.emit('get-cache-state', { limit: 2 });
    await next<unknown>(socket, 'cache-state', () => states.length >= 3 && states.at(-1)?.items.length === 2);
    socket.emit('get-cache-state', { limit: 3 });
    await next<unknown>(socket, 'cache-state', () => states.at(-1)?.items.length === 3);
    const sizes = states.map((s) => s.items.length);
    // 52 requests, a handful of answers: the first at once, the burst coalesced, the last answered.
    expect(sizes.slice(0, 2)).toEqual([4, 1]);
    expect(sizes.at(-1)).toBe(3);
    expect(sizes.slice(2, -1).every((n) => n === 2)).toBe(true);
    expect(sizes.length).toBeLessThanOrEqual(6);
    socket.close();
  });
});

describe('long-polling dashboards', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('are served by socket.io alone (the app never answers /socket.io/ too)', async () => {
    // Raw engine.io long-polling requests, as a client without WebSocket sends them; no client
    // library is left polling once the test ends.
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const open = await fetch(base);
    expect(open.status).toBe(200);
    const { sid } = JSON.parse((await open.text()).slice(1)) as { sid: string };
    const session = `${base}&sid=${encodeURIComponent(sid)}`;
    const send = (packet: string) => fetch(session, { method: 'POST', body: packet, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect((await send('40')).status).toBe(200);
    const events: [string, unknown][] = [];
    for (let poll = 0; poll < 5 && !events.some(([name]) => name === 'cache-state'); poll++) {
      const r = await fetch(session);
      expect(r.status).toBe(200);
      for (const packet of (await r.text()).split('\x1e')) {
        if (packet.startsWith('42')) events.push(JSON.parse(packet.slice(2)) as [string, unknown]);
      }
    }
    const state = events.find(([name]) => name === 'cache-state');
    expect(cacheStateEventSchema.parse(state?.[1]).nodeId).toBe('test-node');
    expect((await send('41')).status).toBe(200);
    expect((await request(server.url, 'GET', '/health')).status).toBe(200);
  });
});
