import type { PeerMessage } from '@meshcache/sync-protocol';
import { DEFAULT_SEND_WINDOW_MS } from './node-options.js';
import { WINDOW_MAX_OPS } from './outbound-stream.js';
import { ReplicaNode } from './replica-node.js';
import { SyncError } from './sync-error.js';
import { memoryCluster } from './test/memory-cluster.js';
import { unsealed } from './test/unsealed.js';

type Ops = Extract<PeerMessage, { type: 'ops' }>;

/** A two-node cluster whose `ops` messages from `a` are recorded with their virtual send time. */
function watched(sendWindowMs: number) {
  const cluster = memoryCluster(['a', 'b'], { sendWindowMs });
  const [a, b] = cluster.nodes;
  const sent: { at: number; keys: string[] }[] = [];
  cluster.net.tap = (wire) => {
    const message = unsealed(wire);
    if (message.type === 'ops' && message.ops[0].origin === a.origin) {
      sent.push({ at: cluster.sched.now, keys: (message as Ops).ops.map((o) => ('key' in o.op ? String(o.op.key) : o.op.type)) });
    }
  };
  cluster.run(500);
  return { ...cluster, a, b, sent };
}

describe('send window (sendWindowMs)', () => {
  it('sends a lone write at once, and the writes that follow it within the window as one batch when the window ends', () => {
    const { a, b, run, sched, sent } = watched(20);
    const start = sched.now;
    a.set('k1', 1);
    run(5);
    a.set('k2', 2);
    run(5);
    a.set('k3', 3);
    run(9);
    expect(sent).toEqual([{ at: start, keys: ['k1'] }]);
    run(30);
    expect(sent).toEqual([
      { at: start, keys: ['k1'] },
      { at: start + 20, keys: ['k2', 'k3'] },
    ]);
    expect([b.peek('k1')?.value, b.peek('k2')?.value, b.peek('k3')?.value]).toEqual([1, 2, 3]);
  });

  it('keeps a window closed while an acknowledgement of the previous batch pumps the stream', () => {
    const { a, b, run, sched, sent } = watched(20);
    const start = sched.now;
    a.set('k1', 1);
    run(1);
    // k1 left at once; its ack arrives within the network's 1-5 ms per hop, inside the window
    // that k2 waits for.
    a.set('k2', 2);
    run(15);
    a.set('k3', 3);
    run(30);
    expect(sent).toEqual([
      { at: start, keys: ['k1'] },
      { at: start + 20, keys: ['k2', 'k3'] },
    ]);
    expect(b.peek('k3')?.value).toBe(3);
  });

  it('under a stream of writes sends at most one batch per window, and every write', () => {
    const { a, b, run, sent } = watched(20);
    for (let i = 0; i < 50; i++) {
      a.set(`k${i}`, i);
      run(2);
    }
    run(50);
    const gaps = sent.slice(1).map((batch, i) => batch.at - sent[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(20);
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.flatMap((batch) => batch.keys)).toEqual(Array.from({ length: 50 }, (_, i) => `k${i}`));
    expect(b.peek('k49')?.value).toBe(49);
  });

  it(`sends a window's writes as soon as it holds ${WINDOW_MAX_OPS}, not when it ends, and opens the next window there`, () => {
    const { a, b, run, sched, sent } = watched(1000);
    const start = sched.now;
    a.set('first', 0);
    run(1);
    const keys = Array.from({ length: WINDOW_MAX_OPS }, (_, i) => `k${i}`);
    for (const key of keys.slice(0, -1)) a.set(key, 1);
    run(1);
    expect(sent).toEqual([{ at: start, keys: ['first'] }]);
    a.set(keys[keys.length - 1], 1);
    run(1);
    expect(sent).toEqual([
      { at: start, keys: ['first'] },
      { at: start + 2, keys },
    ]);
    a.set('late', 2);
    run(1100);
    expect(sent[2]).toEqual({ at: start + 1002, keys: ['late'] });
    expect([b.peek(keys[keys.length - 1])?.value, b.peek('late')?.value]).toEqual([1, 2]);
  });

  it('sends at once for a writer that waits for acknowledgements, inside a window', async () => {
    const { a, run, settle, sched, sent } = watched(1000);
    const start = sched.now;
    a.set('k0', 0);
    run(1);
    const write = a.set('k', 1);
    if (!write.ok) throw new TypeError(write.message);
    expect(await settle(a.waitForAcks(write.seq, 1, 5000))).toBe(1);
    expect(sent).toEqual([
      { at: start, keys: ['k0'] },
      { at: start + 1, keys: ['k'] },
    ]);
    expect(sched.now - start).toBeLessThan(100);
  });

  it('with 0, sends each loop turn’s writes after the current work, as before', () => {
    const { a, run, sched, sent } = watched(0);
    const start = sched.now;
    a.set('k1', 1);
    a.set('k2', 2);
    run(10);
    expect(sent).toEqual([{ at: start, keys: ['k1', 'k2'] }]);
  });

  it('defaults to no window and refuses a negative, fractional or huge one', () => {
    expect(DEFAULT_SEND_WINDOW_MS).toBe(0);
    for (const sendWindowMs of [-1, 1001, 2.5]) {
      expect(() => new ReplicaNode({ nodeId: 'a', cache: { capacity: 10 }, sendWindowMs })).toThrow(SyncError);
    }
  });
});
