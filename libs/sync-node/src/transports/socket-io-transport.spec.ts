import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@meshcache/sync-protocol';
import { startPeer, waitFor, type TestPeer } from '../test/socket-cluster.js';
import { PRE_AUTH_MAX_HTTP_BUFFER_SIZE } from './socket-io-transport.js';

jest.setTimeout(30_000);

const allUp = (peer: TestPeer, n: number) => peer.node.nodes().filter((p) => p.state === 'up').length >= n;

describe('socket.io transport, 3 nodes on 127.0.0.1', () => {
  const peers: TestPeer[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    for (const p of peers.splice(0).reverse()) await p.close();
  });

  async function cluster(backlogSize = 10_000): Promise<[TestPeer, TestPeer, TestPeer]> {
    const a = await startPeer({ nodeId: 'a', backlogSize });
    const b = await startPeer({ nodeId: 'b', backlogSize }, [a.url]);
    const c = await startPeer({ nodeId: 'c', backlogSize }, [a.url]);
    peers.push(a, b, c);
    // b and c only know a; gossip must introduce them to each other.
    await waitFor('full mesh', () => [a, b, c].every((p) => allUp(p, 2)), [a.node, b.node, c.node]);
    return [a, b, c];
  }

  it('replicates sets, deletes, clears and strategy switches to every node, and gossip completes the mesh', async () => {
    const [a, b, c] = await cluster();
    a.node.set('k1', { n: 1 });
    b.node.set('__proto__', 'proto is an ordinary key');
    c.node.set('', 'empty key');
    await waitFor('values everywhere', () => [a, b, c].every((p) => p.node.peek('k1') && p.node.peek('__proto__') && p.node.peek('')), [a.node, b.node, c.node]);
    expect(c.node.get('k1')?.value).toEqual({ n: 1 });
    expect(a.node.get('__proto__')?.value).toBe('proto is an ordinary key');
    expect(Object.prototype).not.toHaveProperty('polluted');

    c.node.delete('k1');
    b.node.setStrategy('lfu');
    await waitFor('delete + strategy everywhere', () => [a, b, c].every((p) => !p.node.has('k1') && p.node.cache.strategy === 'lfu'), [a.node, b.node, c.node]);
    a.node.clear();
    await waitFor('clear everywhere', () => [a, b, c].every((p) => p.node.cache.size === 0), [a.node, b.node, c.node]);
    const stats = a.node.stats();
    expect(stats.connectedNodes).toBe(2);
    expect(stats.nodeList.map((n) => n.id).sort()).toEqual(['b', 'c']);
    expect(a.node.history(5)[0].id).toBeDefined();
  });

  it('catches a reconnecting node up by partial resync from the backlog', async () => {
    const [a, b, c] = await cluster();
    a.node.set('before', 1);
    await waitFor('b has before', () => b.node.has('before'), [b.node]);
    await b.goAway();
    await waitFor('a sees b down', () => a.node.nodes().find((n) => n.id === 'b')?.state === 'down', [a.node]);
    for (let i = 0; i < 200; i++) a.node.set(`missed-${i}`, i);
    c.node.delete('before');
    const before = b.node.stats();
    await b.comeBack([a.url, c.url]);
    await waitFor('b caught up', () => b.node.has('missed-199') && !b.node.has('before'), [b.node]);
    const after = b.node.stats();
    expect(after.partialSyncs).toBeGreaterThan(before.partialSyncs);
    expect(after.fullSyncs).toBe(before.fullSyncs);
    expect(b.node.cache.size).toBe(200);
  });

  it('brings a new node up to date with a chunked snapshot from one peer', async () => {
    const [a, b] = await cluster(50);
    for (let i = 0; i < 3000; i++) (i % 2 ? a : b).node.set(`key-${i}`, `value-${i}`);
    b.node.delete('key-0');
    await waitFor('a has everything', () => a.node.cache.size === 2999, [a.node]);
    const d = await startPeer({ nodeId: 'd', snapshotChunkEntries: 500 }, [a.url]);
    peers.push(d);
    await waitFor('d has everything', () => d.node.cache.size === 2999 && !d.node.has('key-0'), [d.node]);
    await waitFor('d meets everyone', () => allUp(d, 3), [d.node]);
    // Only the one peer d asked sends a snapshot; the others stream their own writes.
    expect(d.node.stats().fullSyncs).toBe(1);
    const snapshotsToD = peers.flatMap((p) => p.node.history(1000).filter((e) => e.type === 'full-sync-sent' && e.peer === 'd').map(() => p.node.nodeId));
    // Exactly one: b and c wait while d fills itself from a, and a's snapshot, once d acked its
    // last chunk, is not resent for a heartbeat d sent before the install finished.
    expect(snapshotsToD).toEqual(['a']);
    expect(d.node.get('key-2998')?.value).toBe('value-2998');
  });

  it('lets only authenticated peers send large frames: a stranger is cut at the pre-auth limit, a peer replicates 3 MB values', async () => {
    const a = await startPeer({ nodeId: 'a' });
    const b = await startPeer({ nodeId: 'b' }, [a.url]);
    peers.push(a, b);
    await waitFor('a and b up', () => allUp(a, 1) && allUp(b, 1), [a.node, b.node]);
    // b dialed a: b's 3 MB value crosses a's server side, which raised its limit after b's proof.
    b.node.set('big', 'x'.repeat(3 * 1024 * 1024));
    await waitFor('big value on a', () => a.node.peek('big') !== undefined, [a.node]);

    const stranger = connect(`${a.url}/cluster`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(stranger);
    await new Promise<void>((resolve) => stranger.on('connect', () => resolve()));
    const cut = new Promise<string>((resolve) => stranger.on('disconnect', (reason) => resolve(reason)));
    stranger.emit('m', { type: 'hello', blob: 'y'.repeat(PRE_AUTH_MAX_HTTP_BUFFER_SIZE + 1) });
    expect(await cut).toBe('transport close');
  });

  it('refuses a node with the wrong cluster secret and applies nothing from it', async () => {
    const [a] = await cluster();
    const intruder = await startPeer({ nodeId: 'mallory', clusterSecret: 'guess' }, [a.url]);
    peers.push(intruder);
    intruder.node.set('evil', true);
    await waitFor('a rejected mallory', () => a.node.history(100).some((e) => e.type === 'rejected' && e.message?.includes('AUTH_FAILED')), [a.node]);
    expect(a.node.has('evil')).toBe(false);
    expect(a.node.nodes().find((n) => n.id === 'mallory')?.state ?? 'down').toBe('down');
    expect(a.node.stats().rejectedMessages).toBeGreaterThan(0);
  });

  it('cuts a link at its first invalid message before the handshake, and names a protocol mismatch', async () => {
    const [a] = await cluster();
    const size = a.node.cache.size;
    const raw = connect(`${a.url}/cluster`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(raw);
    const refused = new Promise<{ code: string; message: string }>((resolve) => raw.on('m', (m: { type: string; code: string; message: string }) => m.type === 'reject' && resolve(m)));
    const closed = new Promise<void>((resolve) => raw.on('disconnect', () => resolve()));
    await new Promise<void>((resolve) => raw.on('connect', () => resolve()));
    const before = a.node.stats().rejectedMessages;
    const op = { origin: 'x#1', seq: 1, hlc: { wall: Date.now(), logical: 0, node: 'x#1' }, op: { type: 'set', key: 'injected', value: 1 } };
    raw.emit('m', { type: 'ops', ops: [op] }); // valid shape, but before any handshake
    expect((await refused).code).toBe('BAD_MESSAGES');
    await closed;
    expect(a.node.stats().rejectedMessages).toBeGreaterThan(before);
    expect(a.node.has('injected')).toBe(false);
    expect(a.node.cache.size).toBe(size);

    const future = connect(`${a.url}/cluster`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(future);
    const versionRefusal = new Promise<{ type: string; code: string; message: string }>((resolve) => future.on('m', (m: { type: string; code: string; message: string }) => m.type === 'reject' && resolve(m)));
    await new Promise<void>((resolve) => future.on('connect', () => resolve()));
    future.emit('m', { type: 'hello', protocol: PROTOCOL_VERSION + 1, maxProtocol: PROTOCOL_VERSION + 2, nonce: '0'.repeat(32) });
    const refusal = await versionRefusal;
    expect(refusal.code).toBe('PROTOCOL_VERSION');
    expect(refusal.message).toContain(`v${PROTOCOL_VERSION + 1}-v${PROTOCOL_VERSION + 2}`);
  });

  it('stops dialing an address that turns out to be the node itself', async () => {
    const solo = await startPeer({ nodeId: 'solo' });
    peers.push(solo);
    await solo.goAway();
    const alias = `http://localhost:${solo.port}`;
    await solo.comeBack([alias]);
    await waitFor('self detected', () => solo.node.history(100).some((e) => e.message?.startsWith('SAME_NODE_ID')), [solo.node]);
    await waitFor('alias dropped', () => !solo.dialing().includes(alias), [solo.node]);
    expect(solo.node.nodes()).toEqual([]);
  });

  it('forceSync compares digests and reports nothing to repair on a converged cluster', async () => {
    const [a, b, c] = await cluster();
    for (let i = 0; i < 50; i++) b.node.set(`k${i}`, i);
    await waitFor('converged', () => [a, c].every((p) => p.node.cache.size === 50), [a.node, c.node]);
    const result = await a.node.forceSync();
    expect(result).toMatchObject({ peers: 2, repairedKeys: 0, differingBuckets: 0 });
    a.node.setSyncEnabled(false);
    expect(await a.node.forceSync()).toMatchObject({ peers: 0, skipped: 'sync-disabled' });
  });
});
