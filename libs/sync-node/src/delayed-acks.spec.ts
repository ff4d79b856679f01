import type { PeerMessage } from '@meshcache/sync-protocol';
import { DelayedAcks } from './delayed-acks.js';
import { DEFAULT_ACK_DELAY_MS } from './node-options.js';
import type { PeerSession } from './peer-session.js';
import { ReplicaNode } from './replica-node.js';
import { SeededScheduler } from './simulation/seeded-scheduler.js';
import { SyncError } from './sync-error.js';
import { memoryCluster } from './test/memory-cluster.js';
import { unsealed } from './test/unsealed.js';

type Ack = Extract<PeerMessage, { type: 'ack' }>;

/** Two nodes; `b` acknowledges `a`'s batches with `ackDelayMs`. Records a's batches and b's acks of them with their virtual time. */
function watched(ackDelayMs: number) {
  const cluster = memoryCluster(['a', 'b'], { ackDelayMs });
  const [a, b] = cluster.nodes;
  const batches: { at: number; ackNow: boolean }[] = [];
  const acks: { at: number; seq: number }[] = [];
  cluster.net.tap = (wire) => {
    const message = unsealed(wire);
    if (message.type === 'ops' && message.ops[0].origin === a.origin) batches.push({ at: cluster.sched.now, ackNow: message.ackNow === true });
    if (message.type === 'ack' && message.origin === a.origin) acks.push({ at: cluster.sched.now, seq: (message as Ack).seq });
  };
  cluster.run(500);
  batches.length = 0;
  acks.length = 0;
  const lag = () => a.nodes().find((n) => n.id === 'b')?.lag;
  return { ...cluster, a, b, batches, acks, lag };
}

describe('delayed acknowledgements (ackDelayMs)', () => {
  it('acknowledges the batches of one delay with one ack, carrying the last of them', () => {
    const { a, b, run, sched, batches, acks, lag } = watched(20);
    const start = sched.now;
    let last = 0;
    for (const key of ['k1', 'k2', 'k3']) {
      const w = a.set(key, key);
      if (!w.ok) throw new TypeError(w.message);
      last = w.seq;
      run(4);
    }
    expect(batches).toHaveLength(3);
    expect(acks).toEqual([]);
    expect(lag()).toBe(3);
    run(40);
    expect(acks).toHaveLength(1);
    expect(acks[0].seq).toBe(last);
    // Sent when the delay ran out after the first batch arrived (1-5 ms per hop), not per batch.
    expect(acks[0].at - start).toBeGreaterThanOrEqual(20);
    expect(acks[0].at - start).toBeLessThanOrEqual(26);
    expect(lag()).toBe(0);
    expect(b.peek('k3')?.value).toBe('k3');
  });

  it('with 0, acknowledges every batch at once, as before', () => {
    const { a, run, batches, acks } = watched(0);
    for (const key of ['k1', 'k2', 'k3']) {
      a.set(key, key);
      run(4);
    }
    run(20);
    expect(batches).toHaveLength(3);
    expect(acks).toHaveLength(3);
    for (const [i, ack] of acks.entries()) expect(ack.at - batches[i].at).toBeLessThanOrEqual(10);
  });

  it('acknowledges at once a batch a writer waits for', async () => {
    const { a, settle, sched, batches } = watched(1000);
    const start = sched.now;
    const write = a.set('k', 1);
    if (!write.ok) throw new TypeError(write.message);
    expect(await settle(a.waitForAcks(write.seq, 1, 5000))).toBe(1);
    expect(batches).toEqual([{ at: start, ackNow: true }]);
    // One round trip (1-5 ms per hop), well before b's next heartbeat (every 100 ms) would tell.
    expect(sched.now - start).toBeLessThanOrEqual(20);
  });

  it('asks again, at once, for the ack of a batch sent before its writer began to wait', async () => {
    const { a, run, settle, sched, batches, acks } = watched(1000);
    const write = a.set('k', 1);
    if (!write.ok) throw new TypeError(write.message);
    run(15);
    // Delivered, applied, its ack held by b for up to a second.
    expect(batches).toEqual([{ at: batches[0].at, ackNow: false }]);
    expect(acks).toEqual([]);
    const waitFrom = sched.now;
    expect(await settle(a.waitForAcks(write.seq, 1, 5000))).toBe(1);
    expect(sched.now - waitFrom).toBeLessThanOrEqual(20);
    expect(batches.map((b) => b.ackNow)).toEqual([false, true]);
  });

  /** a and b both write; records every batch and ack message, with the ack a batch carries. */
  function bothWriting(protocolRange?: { min: number; max: number }) {
    const cluster = memoryCluster(['a', 'b'], { ackDelayMs: 20, ...(protocolRange ? { protocolRange } : {}) });
    const [a, b] = cluster.nodes;
    const sent: { at: number; from: string; type: string; carries?: { origin: string; seq: number } }[] = [];
    cluster.net.tap = (wire) => {
      const message = unsealed(wire);
      if (message.type === 'ops') sent.push({ at: cluster.sched.now, from: message.ops[0].origin === a.origin ? 'a' : 'b', type: 'ops', carries: message.ack });
      if (message.type === 'ack') sent.push({ at: cluster.sched.now, from: message.origin === a.origin ? 'b' : 'a', type: 'ack' });
    };
    cluster.run(500);
    sent.length = 0;
    return { ...cluster, a, b, sent };
  }

  it("lets an owed ack ride on the next batch to that peer, instead of a message of its own", () => {
    const { a, b, run, sent } = bothWriting();
    const w = a.set('from-a', 1);
    if (!w.ok) throw new TypeError(w.message);
    run(8);
    // b has applied a's write and owes the ack; its own write goes with it.
    expect(b.peek('from-a')?.value).toBe(1);
    b.set('from-b', 2);
    run(60);
    expect(sent.filter((m) => m.from === 'b')).toEqual([{ at: expect.any(Number), from: 'b', type: 'ops', carries: { origin: a.origin, seq: w.seq } }]);
    // a learnt from it that b has everything: no lag left, no resend.
    expect(a.nodes().find((n) => n.id === 'b')?.lag).toBe(0);
    expect(sent.filter((m) => m.from === 'a' && m.type === 'ops')).toHaveLength(1);
    // a's ack of b's write went after a's delay, as a message: a had nothing to send b.
    expect(sent.filter((m) => m.from === 'a' && m.type === 'ack')).toHaveLength(1);
  });

  it('sends the ack as a message of its own on a session that speaks protocol v2', () => {
    const { a, b, run, sent } = bothWriting({ min: 2, max: 2 });
    const w = a.set('from-a', 1);
    if (!w.ok) throw new TypeError(w.message);
    run(8);
    b.set('from-b', 2);
    run(60);
    expect(sent.filter((m) => m.from === 'b').map((m) => [m.type, m.carries])).toEqual([
      ['ops', undefined],
      ['ack', undefined],
    ]);
    expect(a.nodes().find((n) => n.id === 'b')?.lag).toBe(0);
  });

  it("at the soak's rates, with every node writing, sends almost no ack as a message of its own", () => {
    /** Three nodes writing ~170 times a second each for 3 s, with the server's batching; messages by kind. */
    const messages = (protocolRange?: { min: number; max: number }) => {
      const cluster = memoryCluster(['a', 'b', 'c'], { ackDelayMs: 20, sendWindowMs: 10, ...(protocolRange ? { protocolRange } : {}) });
      cluster.run(1000);
      const counts = { batches: 0, acksRiding: 0, ackMessages: 0 };
      cluster.net.tap = (wire) => {
        const m = unsealed(wire);
        if (m.type === 'ops') counts.batches++;
        if (m.type === 'ops' && m.ack !== undefined) counts.acksRiding++;
        if (m.type === 'ack') counts.ackMessages++;
      };
      // The writes from a seeded source of their own: both runs make the same ones.
      const writes = new SeededScheduler(7);
      for (let t = 0; t < 3000; t++) {
        for (const n of cluster.nodes) if (writes.chance(0.17)) n.set(`k${writes.int(0, 19_999)}`, t);
        cluster.run(1);
      }
      cluster.run(200);
      for (const n of cluster.nodes) expect(n.nodes().every((p) => p.lag === 0)).toBe(true);
      return counts;
    };
    const before = messages({ min: 2, max: 2 });
    const now = messages();
    // Protocol v2: an ack message for about every other batch (one per 20-ms delay and peer).
    expect(before.ackMessages).toBeGreaterThan(before.batches / 3);
    expect(before.acksRiding).toBe(0);
    // v3: the acks ride; under a tenth of the acks of v2 go as messages.
    expect(now.acksRiding).toBeGreaterThan(now.batches / 2);
    expect(now.ackMessages).toBeLessThan(before.ackMessages / 10);
  });

  it('takes what is owed on any session to the peer, once, with what is applied by then', () => {
    const due: (() => void)[] = [];
    const timers = { setTimeout: (fn: () => void) => due.push(fn), clearTimeout: () => undefined };
    const sent: PeerMessage[] = [];
    const one = { isUp: true, send: (m: PeerMessage) => sent.push(m) } as unknown as PeerSession;
    const other = { isUp: true, send: (m: PeerMessage) => sent.push(m) } as unknown as PeerSession;
    let applied = 5;
    const acks = new DelayedAcks(timers, 20, () => applied);
    acks.owe(other, 'a#1', false);
    applied = 8;
    expect(acks.take([one, other])).toEqual({ origin: 'a#1', seq: 8 });
    expect(acks.take([one, other])).toBeUndefined();
    expect(acks.pending).toBe(0);
    // Taken, it is no longer owed: its delay running out sends nothing.
    due[0]();
    expect(sent).toEqual([]);
    // The next batch owes a new ack, with a delay of its own.
    applied = 9;
    acks.owe(other, 'a#1', false);
    expect(due).toHaveLength(2);
    due[1]();
    expect(sent).toEqual([{ type: 'ack', origin: 'a#1', seq: 9 }]);
  });

  it('sends nothing owed on a session that closed, and forgets it', () => {
    const due: (() => void)[] = [];
    const timers = { setTimeout: (fn: () => void) => due.push(fn), clearTimeout: () => undefined };
    const sent: PeerMessage[] = [];
    const session = { isUp: true, send: (m: PeerMessage) => sent.push(m) } as unknown as PeerSession;
    const acks = new DelayedAcks(timers, 20, () => 7);
    acks.owe(session, 'a#1', false);
    acks.owe(session, 'a#1', false);
    expect(due).toHaveLength(1);
    expect(acks.pending).toBe(1);
    (session as { isUp: boolean }).isUp = false;
    due[0]();
    expect(sent).toEqual([]);
    acks.owe(session, 'a#1', false);
    acks.settle(session);
    expect(acks.pending).toBe(0);
  });

  it('sends what is owed for one origin before owing another on the same session', () => {
    const timers = { setTimeout: () => 0, clearTimeout: () => undefined };
    const sent: PeerMessage[] = [];
    const session = { isUp: true, send: (m: PeerMessage) => sent.push(m) } as unknown as PeerSession;
    const acks = new DelayedAcks(timers, 20, (origin) => (origin === 'a#1' ? 5 : 9));
    acks.owe(session, 'a#1', false);
    acks.owe(session, 'a#2', false);
    expect(sent).toEqual([{ type: 'ack', origin: 'a#1', seq: 5 }]);
    acks.owe(session, 'a#2', true);
    expect(sent).toEqual([
      { type: 'ack', origin: 'a#1', seq: 5 },
      { type: 'ack', origin: 'a#2', seq: 9 },
    ]);
    expect(acks.pending).toBe(0);
  });

  it('defaults to none in the library and refuses a negative, fractional or huge delay', () => {
    expect(DEFAULT_ACK_DELAY_MS).toBe(0);
    for (const ackDelayMs of [-1, 1001, 2.5]) {
      expect(() => new ReplicaNode({ nodeId: 'a', cache: { capacity: 10 }, ackDelayMs })).toThrow(SyncError);
    }
  });
});
