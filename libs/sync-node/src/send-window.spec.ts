import type { PeerMessage } from '@meshcache/sync-protocol';
import { DEFAULT_SEND_WINDOW_MS } from './node-options.js';
import { ReplicaNode } from './replica-node.js';
import { SyncError } from './sync-error.js';
import { memoryCluster } from './test/memory-cluster.js';

type Ops = Extract<PeerMessage, { type: 'ops' }>;

/** A two-node cluster whose `ops` messages from `a` are recorded with their virtual send time. */
function watched(sendWindowMs: number) {
  const cluster = memoryCluster(['a', 'b'], { sendWindowMs });
  const [a, b] = cluster.nodes;
  const sent: { at: number; keys: string[] }[] = [];
  cluster.net.tap = (message) => {
    if (message.type === 'ops' && message.ops[0].origin === a.origin) {
      sent.push({ at: cluster.sched.now, keys: (message as Ops).ops.map((o) => ('key' in o.op ? String(o.op.key) : o.op.type)) });
    }
  };
  cluster.run(500);
  return { ...cluster, a, b, sent };
}

describe('send window (sendWindowMs)', () => {
  it('sends the writes of one window as one batch, no later than the window after the first', () => {
    const { a, b, run, sched, sent } = watched(20);
    const start = sched.now;
    a.set('k1', 1);
    run(5);
    a.set('k2', 2);
    run(5);
    a.set('k3', 3);
    run(9);
    expect(sent).toEqual([]);
    run(30);
    expect(sent).toEqual([{ at: start + 20, keys: ['k1', 'k2', 'k3'] }]);
    expect([b.peek('k1')?.value, b.peek('k2')?.value, b.peek('k3')?.value]).toEqual([1, 2, 3]);
  });

  it('keeps a window closed while an acknowledgement of the previous batch pumps the stream', () => {
    const { a, b, run, sched, sent } = watched(20);
    const start = sched.now;
    a.set('k1', 1);
    run(21);
    // k1 left at +20; its ack arrives within the network's 1-5 ms per hop, inside k2's window.
    a.set('k2', 2);
    run(15);
    a.set('k3', 3);
    run(30);
    expect(sent).toEqual([
      { at: start + 20, keys: ['k1'] },
      { at: start + 41, keys: ['k2', 'k3'] },
    ]);
    expect(b.peek('k3')?.value).toBe(3);
  });

  it('sends at once for a writer that waits for acknowledgements', async () => {
    const { a, settle, sched, sent } = watched(1000);
    const start = sched.now;
    const write = a.set('k', 1);
    if (!write.ok) throw new TypeError(write.message);
    expect(await settle(a.waitForAcks(write.seq, 1, 5000))).toBe(1);
    expect(sent).toEqual([{ at: start, keys: ['k'] }]);
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
