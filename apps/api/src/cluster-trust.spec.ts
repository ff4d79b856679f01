import { PROTOCOL_VERSION } from '@meshcache/sync-protocol';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import { ClusterAttacker } from './test/cluster-attacker.js';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from './test/cluster-processes.js';

jest.setTimeout(90_000);

const SECRET = 'cluster-trust-secret';
const json = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
interface Health {
  status: string;
  problems: { code: string; peer?: string; message: string }[];
}
interface Status {
  nodeList: { id: string; url: string | null; state: string; problem?: { code: string } }[];
  problems: { code: string; peer?: string }[];
}
/** Fields that say something about a node: none may reach a peer before it has proven the secret. */
const REVEALING = ['nodeId', 'origin', 'url', 'vv', 'folded', 'live', 'members', 'proof', 'wantsSnapshot', 'peers', 'hlc'];
const revealing = (messages: Record<string, unknown>[]) => messages.filter((m) => REVEALING.some((k) => k in m));
/** Warn lines about one problem in a node's log. */
const problemLines = (node: NodeProcess, code: string) =>
  node.output
    .join('')
    .split('\n')
    .filter((l) => l.includes('"level":40') && l.includes(`"problem":"${code}"`));

describe('cluster trust between real main.js processes', () => {
  const nodes: NodeProcess[] = [];
  const attackers: ClusterAttacker[] = [];
  let fakeV1: { http: HttpServer; io: SocketServer } | undefined;
  const start = async (env: Record<string, string>): Promise<NodeProcess> => {
    const port = await freePort();
    const node = spawnNode({ PORT: String(port), SELF_URL: `http://127.0.0.1:${port}`, CLUSTER_SECRET: SECRET, ...env });
    nodes.push(node);
    await eventually(async () => (await fetch(`${node.url}/health`)).status === 200, `${env.NODE_ID} up`);
    return node;
  };
  const health = (node: NodeProcess) => json<Health>(`${node.url}/health`);
  const status = (node: NodeProcess) => json<Status>(`${node.url}/api/sync/status`);

  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    for (const a of attackers) a.close();
    fakeV1?.io.close();
    fakeV1?.http.close();
    for (const n of nodes) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGTERM');
        await n.exited;
      }
    }
  });

  it('an attacker without the secret learns nothing, gets no proof to reflect, and injects nothing', async () => {
    const a = await start({ NODE_ID: 'trust-a' });
    const b = await start({ NODE_ID: 'trust-b', PEER_NODES: a.url });
    await eventually(async () => (await status(a)).nodeList.some((p) => p.id === 'trust-b' && p.state === 'up'), 'a and b linked');
    const toA = new ClusterAttacker(a.url);
    const toB = new ClusterAttacker(b.url);
    attackers.push(toA, toB);
    await eventually(async () => toA.connected && toB.connected, 'attacker connected');
    toA.send({ type: 'hello', protocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION, nonce: '1'.repeat(32) });
    await eventually(async () => toA.received.length > 0, 'a answers');
    // The old handshake answered with its own hello (id, origin, url) and an HMAC over the
    // caller's nonce; now only a challenge comes back.
    const challenge = toA.received[0];
    expect(challenge).toMatchObject({ type: 'challenge' });
    // Reflection: hand A's challenge to B as our own nonce. B must not sign it.
    toB.send({ type: 'hello', protocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION, nonce: challenge.nonce });
    await eventually(async () => toB.received.length > 0, 'b answers');
    expect(revealing([...toA.received, ...toB.received])).toEqual([]);
    // A forged proof and operations under B's origin are refused; nothing is applied.
    const origin = `trust-b#${Date.now().toString(36)}`;
    toA.send({ type: 'prove', nodeId: 'trust-b', origin, proof: '0'.repeat(64) });
    toA.send({ type: 'ops', ops: [{ origin, seq: 1, hlc: { wall: Date.now(), logical: 0, node: origin }, op: { type: 'set', key: 'forged', value: 1 } }] });
    await eventually(async () => toA.disconnected, 'a cuts the attacker');
    expect(toA.ofType('reject')).toMatchObject([{ code: 'AUTH_FAILED' }]);
    expect((await fetch(`${a.url}/api/cache/forged`)).status).toBe(404);
    expect(revealing(toA.received)).toEqual([]);
    // A stranger knocking is not a problem of the node.
    expect((await health(a)).status).toBe('healthy');
  });

  it('a configured peer with another secret is a named /health problem, in nodeList, logged once', async () => {
    const a = await start({ NODE_ID: 'secret-a' });
    const w = await start({ NODE_ID: 'secret-w', CLUSTER_SECRET: 'some-other-secret', PEER_NODES: a.url });
    await eventually(async () => (await health(w)).status === 'degraded', 'w degraded');
    const h = await health(w);
    expect(h.problems).toMatchObject([{ code: 'peer-refused-secret', peer: a.url }]);
    expect(h.problems[0].message).toMatch(/CLUSTER_SECRET/);
    expect((await status(w)).nodeList).toContainEqual(expect.objectContaining({ url: a.url, state: 'down', problem: expect.objectContaining({ code: 'peer-refused-secret' }) }));
    // The link is redialed every 2 s and refused each time: still one warn line.
    await eventually(async () => (await status(w)).problems.length === 1 && problemLines(w, 'peer-refused-secret').length >= 1, 'logged');
    await new Promise((r) => setTimeout(r, 4500));
    expect(problemLines(w, 'peer-refused-secret')).toHaveLength(1);
  });

  it('a configured peer that never answers is peer-unreachable', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const u = await start({ NODE_ID: 'lonely', PEER_NODES: nobody });
    await eventually(async () => (await health(u)).problems.some((p) => p.code === 'peer-unreachable' && p.peer === nobody), 'unreachable reported');
    expect((await health(u)).status).toBe('degraded');
    await eventually(async () => problemLines(u, 'peer-unreachable').length === 1, 'one warn line');
  });

  it('a peer that starts after its dialer is not called unreachable once the two are linked', async () => {
    const port = await freePort();
    const lateUrl = `http://127.0.0.1:${port}`;
    const early = await start({ NODE_ID: 'early', PEER_NODES: lateUrl });
    await eventually(async () => (await health(early)).problems.some((p) => p.code === 'peer-unreachable' && p.peer === lateUrl), 'unreachable while the peer is down');
    // Let early's redials back off to socket.io's longest wait (2.5-7.5 s), so that the link
    // comes from late's own dial: early used to say "unreachable" until its next redial.
    await new Promise((r) => setTimeout(r, 6000));
    await start({ NODE_ID: 'late', PORT: String(port), SELF_URL: lateUrl, PEER_NODES: early.url });
    await eventually(async () => (await status(early)).nodeList.some((p) => p.id === 'late' && p.state === 'up'), 'linked');
    expect((await health(early)).problems).toEqual([]);
    expect((await status(early)).nodeList.find((p) => p.id === 'late')?.problem).toBeUndefined();
  });

  it('a configured peer speaking another protocol version is peer-refused-version', async () => {
    // A v1 node greets every link with its own hello (id, origin, url, nonce).
    const http = createServer();
    const io = new SocketServer(http);
    fakeV1 = { http, io };
    io.of('/cluster').on('connection', (socket) => socket.emit('m', { type: 'hello', protocol: 1, nodeId: 'old', origin: 'old#1', url: null, nonce: 'a'.repeat(32) }));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const oldUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const v = await start({ NODE_ID: 'modern', PEER_NODES: oldUrl });
    await eventually(async () => (await health(v)).problems.some((p) => p.code === 'peer-refused-version' && p.peer === oldUrl), 'version problem');
    expect((await health(v)).problems.find((p) => p.peer === oldUrl)?.message).toMatch(/v1/);
  });

  it('a duplicate NODE_ID is refused on both ends and by a third node (no flapping), on /health, status, history and the log', async () => {
    const d1 = await start({ NODE_ID: 'twin' });
    const d2 = await start({ NODE_ID: 'twin', PEER_NODES: d1.url });
    for (const n of [d1, d2]) {
      await eventually(async () => (await health(n)).problems.some((p) => p.code === 'duplicate-node-id'), `duplicate reported by ${n.url}`);
      expect((await status(n)).problems.map((p) => p.code)).toContain('duplicate-node-id');
    }
    const history = await json<{ history: { type: string; message?: string }[] }>(`${d1.url}/api/sync/history?limit=100`);
    expect(history.history.some((e) => e.type === 'rejected' && e.message?.includes('DUPLICATE_NODE_ID'))).toBe(true);
    expect((await health(d2)).problems.find((p) => p.code === 'duplicate-node-id')?.message).toMatch(/NODE_ID/);
    await eventually(async () => problemLines(d2, 'duplicate-node-id').length === 1, 'd2 logged it');

    // A third node that dials both twins keeps the one it met first and refuses the other as a
    // duplicate, for good: it used to take each new link for a restart of the twin and switch
    // between them (comparing the wall clock with a monotonic time), never flagging anything.
    const third = await start({ NODE_ID: 'third', PEER_NODES: `${d1.url},${d2.url}` });
    await eventually(async () => (await health(third)).problems.some((p) => p.code === 'duplicate-node-id'), 'the third node reports the duplicate');
    const twinUrl = async () => (await status(third)).nodeList.find((p) => p.id === 'twin' && p.state !== 'down')?.url ?? null;
    await eventually(async () => (await twinUrl()) !== null, 'the third node linked to one twin');
    const kept = await twinUrl();
    const refused = kept === d1.url ? d2.url : d1.url;
    expect([d1.url, d2.url]).toContain(kept);
    expect((await health(third)).problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'duplicate-node-id', peer: refused })]));
    expect((await status(third)).problems.map((p) => p.code)).toContain('duplicate-node-id');
    const thirdHistory = await json<{ history: { type: string; message?: string }[] }>(`${third.url}/api/sync/history?limit=100`);
    expect(thirdHistory.history.some((e) => e.type === 'rejected' && e.message?.includes('DUPLICATE_NODE_ID'))).toBe(true);
    await eventually(async () => problemLines(third, 'duplicate-node-id').length >= 1, 'the third node logged it');
    // No flapping: over many redials of the refused twin (one per second or so), the third node
    // stays with the same twin, the kept twin never loses its link, and the problem stays raised.
    const keptNode = kept === d1.url ? d1 : d2;
    const thirdDowns = async () =>
      (await json<{ history: { type: string; peer?: string }[] }>(`${keptNode.url}/api/sync/history?limit=1000`)).history.filter((e) => e.peer === 'third' && e.type === 'peer-down').length;
    const downsBefore = await thirdDowns();
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 500));
      expect(await twinUrl()).toBe(kept);
      expect((await health(third)).problems.some((p) => p.code === 'duplicate-node-id' && p.peer === refused)).toBe(true);
    }
    expect(await thirdDowns()).toBe(downsBefore);
    expect(problemLines(third, 'duplicate-node-id')).toHaveLength(1);
  });
});
