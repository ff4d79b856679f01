import { PROTOCOL_VERSION, type PeerMessage } from '@meshcache/sync-protocol';
import type { ReplicaNodeOptions } from './node-options.js';
import { ReplicaNode } from './replica-node.js';
import { SeededScheduler } from './simulation/seeded-scheduler.js';
import { ManualWire } from './test/manual-wire.js';
import { EPOCH } from './test/memory-cluster.js';

const SECRET = 'handshake-test-secret';
const nonce = (c: string) => c.repeat(32);
const op = (origin: string, seq: number) => ({ origin, seq, hlc: { wall: EPOCH, logical: 0, node: origin }, op: { type: 'set', key: `forged-${seq}`, value: 'x' } });

function setup() {
  const sched = new SeededScheduler(7);
  const wire = new ManualWire();
  const nodes: ReplicaNode[] = [];
  const make = (nodeId: string, extra: Partial<ReplicaNodeOptions> = {}) => {
    const node = new ReplicaNode({ nodeId, cache: { capacity: 100 }, clusterSecret: SECRET, now: () => EPOCH + sched.now, timers: sched.timersFor(nodeId), heartbeatMs: 100, ...extra });
    nodes.push(node);
    return node;
  };
  const upPeers = (node: ReplicaNode) => node.nodes().filter((n) => n.state === 'up').map((n) => n.id);
  return { sched, wire, make, upPeers, close: () => Promise.all(nodes.map((n) => n.close())) };
}

/** Fields that say something about a node: none may reach a peer that has not proven the secret. */
const REVEALING = ['nodeId', 'origin', 'url', 'vv', 'members', 'proof', 'wantsSnapshot', 'peers', 'hlc'];
const reveals = (messages: PeerMessage[]) => messages.filter((m) => m.type !== 'reject' && REVEALING.some((k) => k in m));

describe('cluster handshake (mutual challenge-response)', () => {
  it('brings two nodes up that share the secret, speaking the newest common version', async () => {
    const { wire, make, upPeers, close } = setup();
    const a = make('a', { protocolRange: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION + 1 } });
    const b = make('b');
    a.set('k', 1);
    wire.connect(a, b);
    wire.drain();
    expect(upPeers(a)).toEqual(['b']);
    expect(upPeers(b)).toEqual(['a']);
    expect(b.get('k')?.value).toBe(1);
    expect(a.problems()).toEqual([]);
    await close();
  });

  it('says nothing about the node to a stranger, and refuses its guess of a proof', async () => {
    const { wire, make, upPeers, close } = setup();
    const a = make('a');
    a.set('secret-key', 'v');
    const stranger = wire.script(a, 'script-dials');
    stranger.send({ type: 'hello', protocol: PROTOCOL_VERSION, nonce: nonce('1') });
    wire.drain();
    expect(stranger.received.map((m) => m.type)).toEqual(['challenge']);
    stranger.send({ type: 'prove', nodeId: 'b', origin: 'b#1', proof: 'f'.repeat(64) });
    stranger.send({ type: 'ops', ops: [op('b#1', 1)] });
    wire.drain();
    expect(stranger.received.map((m) => m.type)).toEqual(['challenge', 'reject']);
    expect(stranger.received[1]).toMatchObject({ code: 'AUTH_FAILED' });
    expect(reveals(stranger.received)).toEqual([]);
    expect(stranger.closed).toBe(true);
    expect(a.has('forged-1')).toBe(false);
    expect(upPeers(a)).toEqual([]);
    // A stranger is not a problem of this node (anyone can knock); the history says it.
    expect(a.problems()).toEqual([]);
    expect(a.history(10).some((e) => e.type === 'rejected' && e.message?.startsWith('AUTH_FAILED'))).toBe(true);
    await close();
  });

  it('refuses a stranger speaking another protocol version without naming the node', async () => {
    const { wire, make, close } = setup();
    const a = make('hidden-node-id');
    const stranger = wire.script(a, 'script-dials');
    stranger.send({ type: 'hello', protocol: PROTOCOL_VERSION + 90, maxProtocol: PROTOCOL_VERSION + 91, nonce: nonce('2') });
    wire.drain();
    expect(stranger.received).toEqual([{ type: 'reject', code: 'PROTOCOL_VERSION', message: expect.stringMatching(/this node speaks v\d/) }]);
    expect(JSON.stringify(stranger.received)).not.toContain('hidden-node-id');
    await close();
  });

  it('no node signs a stranger\'s challenge: the reflection of the old handshake gets no proof anywhere', async () => {
    const { wire, make, upPeers, close } = setup();
    const a = make('a');
    const b = make('b');
    // The attacker asks A for a challenge, then hands that challenge to B as its own hello nonce,
    // hoping B signs it (the old handshake did, before the caller proved anything).
    const toA = wire.script(a, 'script-dials');
    toA.send({ type: 'hello', protocol: PROTOCOL_VERSION, nonce: nonce('2') });
    wire.drain();
    const challengeOfA = toA.received[0] as Extract<PeerMessage, { type: 'challenge' }>;
    const toB = wire.script(b, 'script-dials');
    toB.send({ type: 'hello', protocol: PROTOCOL_VERSION, nonce: challengeOfA.nonce });
    wire.drain();
    expect(toB.received.map((m) => m.type)).toEqual(['challenge']);
    expect(reveals([...toA.received, ...toB.received])).toEqual([]);
    // Nor does a node that the attacker gets dialed by prove anything before the attacker does.
    const dialedByB = wire.script(b, 'node-dials', 'http://attacker.example:5000');
    wire.drain();
    expect(dialedByB.received.map((m) => m.type)).toEqual(['hello']);
    dialedByB.send({ type: 'challenge', protocol: PROTOCOL_VERSION, nonce: challengeOfA.nonce });
    wire.drain();
    const prove = dialedByB.received[1] as Extract<PeerMessage, { type: 'prove' }>;
    expect(prove.type).toBe('prove');
    // B's client proof, relayed to A as if it answered A's challenge: A refuses it, since A's
    // session with the attacker has another dialer nonce than B's session with the attacker.
    toA.send({ type: 'prove', nodeId: prove.nodeId, origin: prove.origin, proof: prove.proof });
    toA.send({ type: 'ops', ops: [op(prove.origin, 1)] });
    wire.drain();
    expect(toA.received.at(-1)).toMatchObject({ type: 'reject', code: 'AUTH_FAILED' });
    expect(a.has('forged-1')).toBe(false);
    expect(upPeers(a)).toEqual([]);
    // Reflected back to B as a server's proof, it fails too: the direction is part of the proof.
    dialedByB.send({ type: 'welcome', nodeId: 'a', origin: a.origin, proof: prove.proof, url: null, vv: [], wantsSnapshot: true });
    wire.drain();
    expect(dialedByB.received.at(-1)).toMatchObject({ type: 'reject', code: 'AUTH_FAILED' });
    expect(upPeers(b)).toEqual([]);
    await close();
  });

  it.each(['inject', 'alter', 'replay'] as const)(
    'a node dialed at a stale address relays a handshake between two members, then cannot %s a message: every message after the handshake is sealed (v4)',
    async (attack) => {
      const { sched, wire, make, upPeers, close } = setup();
      const e = make('e');
      const b = make('b');
      // e dials what it thinks is a peer; the relay dials b and passes every message on, both ways.
      const atE = wire.script(e, 'node-dials', 'http://stale-address:5000');
      const atB = wire.script(b, 'script-dials');
      let toB = 0;
      let toE = 0;
      let tamper: ((m: Record<string, unknown>) => unknown) | null = null;
      const pump = () => {
        for (let round = 0; round < 100; round++) {
          wire.drain();
          const moved = toB < atE.raw.length || toE < atB.raw.length;
          while (toB < atE.raw.length) {
            const m = atE.raw[toB++] as Record<string, unknown>;
            atB.send(tamper !== null && m.type === 'sealed' ? tamper(m) : m);
          }
          while (toE < atB.raw.length) atE.send(atB.raw[toE++]);
          if (!moved) return;
        }
      };
      const settle = () => {
        for (let i = 0; i < 10; i++) {
          sched.runUntil(sched.now + 20);
          pump();
        }
      };
      settle();
      // The relay knows no secret, yet both proofs checked out: it only passed them on.
      expect(upPeers(b)).toEqual(['e']);
      e.set('real', 1);
      settle();
      expect(b.get('real')?.value).toBe(1);
      const sealedSoFar = atE.raw.filter((m) => (m as { type: string }).type === 'sealed');
      const forged = { origin: e.origin, seq: 2, hlc: { wall: EPOCH + sched.now, logical: 0, node: e.origin }, op: { type: 'set', key: 'injected', value: 'by the relay' } };
      if (attack === 'inject') atB.send({ type: 'ops', ops: [forged] });
      if (attack === 'replay') atB.send(sealedSoFar[sealedSoFar.length - 1]);
      if (attack === 'alter') {
        tamper = (m) => ({ ...m, m: JSON.stringify({ type: 'ops', ops: [forged] }) });
        e.set('next', 2);
      }
      settle();
      expect(b.has('injected')).toBe(false);
      expect(upPeers(b)).toEqual([]);
      expect(b.history(50).some((h) => h.type === 'rejected' && /forging or altering traffic/.test(h.message ?? ''))).toBe(true);
      await close();
    },
  );

  it('a captured handshake is worthless in a later session (replay)', async () => {
    const { wire, make, upPeers, close } = setup();
    const a = make('a');
    const b = make('b');
    // Record a genuine dialer's messages by standing in for the acceptor with the acceptor's nonce.
    const recorded = wire.script(a, 'node-dials');
    wire.drain();
    const hello = recorded.received[0] as Extract<PeerMessage, { type: 'hello' }>;
    const toB = wire.script(b, 'script-dials');
    toB.send(hello);
    wire.drain();
    recorded.send(toB.received[0]);
    wire.drain();
    const prove = recorded.received[1];
    toB.send(prove);
    wire.drain();
    // That was a faithful relay of one whole session (only TLS stops an on-path relay): B welcomed it.
    expect(toB.received[1]).toMatchObject({ type: 'welcome', nodeId: 'b' });
    // Replayed into a fresh session, the same hello and proof are refused: B's nonce is new.
    const replay = wire.script(b, 'script-dials');
    replay.send(hello);
    replay.send(prove);
    replay.send({ type: 'intro', url: null, vv: [], wantsSnapshot: true });
    replay.send({ type: 'ops', ops: [op(a.origin, 1)] });
    wire.drain();
    expect(replay.received.map((m) => m.type)).toEqual(['challenge', 'reject']);
    expect(replay.received[1]).toMatchObject({ code: 'AUTH_FAILED' });
    expect(b.has('forged-1')).toBe(false);
    expect(upPeers(b)).toEqual([]);
    await close();
  });

  it('a stranger cannot take the first-snapshot slot of a new node', async () => {
    const { wire, make, close } = setup();
    const fresh = make('fresh');
    const stranger = wire.script(fresh, 'script-dials');
    stranger.send({ type: 'hello', protocol: PROTOCOL_VERSION, nonce: nonce('3') });
    wire.drain();
    const honest = make('honest');
    honest.set('k', 1);
    const seen: PeerMessage[] = [];
    const toHonest = wire.script(fresh, 'node-dials');
    wire.drain();
    // Stand in for `honest` to read what `fresh` asks of it.
    const via = wire.script(honest, 'script-dials');
    via.send(toHonest.received[0]);
    wire.drain();
    toHonest.send(via.received[0]);
    wire.drain();
    via.send(toHonest.received[1]);
    wire.drain();
    toHonest.send(via.received[1]);
    wire.drain();
    seen.push(...toHonest.received);
    expect(seen.find((m) => m.type === 'intro')).toMatchObject({ wantsSnapshot: true });
    await close();
  });

  it('closes accepted links stuck in the handshake, and keeps at most maxPendingHandshakes of them', async () => {
    const { sched, wire, make, close } = setup();
    const a = make('a', { handshakeTimeoutMs: 500, maxPendingHandshakes: 4 });
    const idle = Array.from({ length: 6 }, () => wire.script(a, 'script-dials'));
    wire.drain();
    expect(idle.map((s) => s.closed)).toEqual([true, true, false, false, false, false]);
    expect(idle[0].received).toEqual([{ type: 'reject', code: 'TOO_MANY_HANDSHAKES', message: expect.any(String) }]);
    sched.runUntil(sched.now + 1000);
    wire.drain();
    expect(idle.every((s) => s.closed)).toBe(true);
    expect(idle[5].received.at(-1)).toMatchObject({ type: 'reject', code: 'HANDSHAKE_TIMEOUT' });
    await close();
  });

  it('refuses a peer with another secret or no common version, as a named problem of the dialer', async () => {
    const { wire, make, upPeers, close } = setup();
    const a = make('a');
    const wrongSecret = make('w', { clusterSecret: 'another-secret' });
    const future = make('f', { protocolRange: { min: PROTOCOL_VERSION + 1, max: PROTOCOL_VERSION + 1 } });
    wire.connect(a, wrongSecret, 'http://w:5000');
    wire.connect(a, future, 'http://f:5000');
    wire.connect(wrongSecret, a, 'http://a:5000');
    wire.drain();
    expect(upPeers(a)).toEqual([]);
    const problems = Object.fromEntries(a.problems().map((p) => [p.peer, p.code]));
    expect(problems).toEqual({ 'http://w:5000': 'peer-refused-secret', 'http://f:5000': 'peer-refused-version' });
    expect(wrongSecret.problems()).toMatchObject([{ code: 'peer-refused-secret', peer: 'http://a:5000' }]);
    expect(future.problems()).toEqual([]);
    const listed = a.nodes().find((n) => n.id === 'http://f:5000');
    expect(listed).toMatchObject({ state: 'down', url: 'http://f:5000', problem: { code: 'peer-refused-version' } });
    expect(listed?.problem?.message).toMatch(new RegExp(`v${PROTOCOL_VERSION + 1}`));
    expect(a.stats().problems).toHaveLength(2);
    await close();
  });

  it('a failed dial is no problem while the peer is linked through its own dial, and is one again once that link is gone', async () => {
    const { sched, wire, make, upPeers, close } = setup();
    const a = make('a', { handshakeTimeoutMs: 500 });
    const b = make('b');
    b.advertise('http://b:5000');
    // a dialed b before b was up; socket.io retries a's dial later, up to 7.5 s later.
    a.dialFailed('http://b:5000', 'connect ECONNREFUSED');
    expect(a.problems()).toMatchObject([{ code: 'peer-unreachable', peer: 'http://b:5000' }]);
    // b starts and dials a: the two are linked, so a must not say b is unreachable.
    wire.connect(b, a, 'http://a:5000');
    wire.drain();
    expect(upPeers(a)).toEqual(['b']);
    expect(a.problems()).toEqual([]);
    expect(a.nodes().find((n) => n.id === 'b')?.problem).toBeUndefined();
    // a's own dial keeps failing (a one-way firewall): the link carries both directions.
    a.dialFailed('http://b:5000', 'connect ECONNREFUSED');
    expect(a.problems()).toEqual([]);
    // Or it connects to something that never answers the handshake (a stuck proxy).
    wire.script(a, 'node-dials', 'http://b:5000');
    wire.drain();
    sched.runUntil(sched.now + 1000);
    wire.drain();
    expect(upPeers(a)).toEqual(['b']);
    expect(a.problems()).toEqual([]);
    // Once the link is gone, a failed dial is a problem again.
    await b.close();
    wire.drain();
    expect(upPeers(a)).toEqual([]);
    a.dialFailed('http://b:5000', 'connect ECONNREFUSED');
    expect(a.problems()).toMatchObject([{ code: 'peer-unreachable', peer: 'http://b:5000' }]);
    await close();
  });

  it('detects a duplicate NODE_ID at the handshake, on both ends and at a third node', async () => {
    const { wire, make, upPeers, close } = setup();
    const x1 = make('x', { incarnation: 'one' });
    const x2 = make('x', { incarnation: 'two' });
    const third = make('third');
    wire.connect(x2, x1, 'http://x1:5000');
    wire.drain();
    expect(x1.problems()).toMatchObject([{ code: 'duplicate-node-id', peer: 'x#two' }]);
    expect(x2.problems()).toMatchObject([{ code: 'duplicate-node-id', peer: 'http://x1:5000' }]);
    expect(x1.problems()[0].message).toMatch(/NODE_ID/);
    wire.connect(third, x1, 'http://x1:5000');
    wire.drain();
    wire.connect(third, x2, 'http://x2:5000');
    wire.drain();
    expect(upPeers(third)).toEqual(['x']);
    expect(third.problems()).toMatchObject([{ code: 'duplicate-node-id', peer: 'http://x2:5000' }]);
    expect(x2.problems().map((p) => p.code)).toEqual(['duplicate-node-id', 'duplicate-node-id']);
    expect(third.history(20).some((e) => e.type === 'rejected' && e.message?.startsWith('DUPLICATE_NODE_ID'))).toBe(true);
    await close();
  });
});
