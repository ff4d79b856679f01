import type { PeerMessage } from '@meshcache/sync-protocol';
import { ReplicaNode } from './replica-node.js';
import { SeededScheduler } from './simulation/seeded-scheduler.js';
import { EPOCH } from './test/memory-cluster.js';
import { rawCache } from './test/raw-cache.js';
import { unsealed } from './test/unsealed.js';

/** Two nodes joined by a direct, recorded, in-order pipe that the test drains by hand. */
function pair() {
  const sched = new SeededScheduler(1);
  const make = (nodeId: string) =>
    new ReplicaNode({ nodeId, cache: { capacity: 100_000, strategy: 'lru' }, now: () => EPOCH + sched.now, timers: sched.timersFor(nodeId) });
  const a = make('a');
  const b = make('b');
  const queue: (() => void)[] = [];
  const sent: PeerMessage[] = [];
  const wire = (message: unknown) => JSON.parse(JSON.stringify(message)) as unknown;
  const handles: { toA?: ReturnType<ReplicaNode['openLink']>; toB?: ReturnType<ReplicaNode['openLink']> } = {};
  handles.toA = a.openLink({ send: (m) => (sent.push(unsealed(m)), queue.push(() => handles.toB?.receive(wire(m)))), close: () => undefined }, { dialedUrl: 'memory://b' });
  handles.toB = b.openLink({ send: (m) => (sent.push(unsealed(m)), queue.push(() => handles.toA?.receive(wire(m)))), close: () => undefined });
  /** Delivers messages and runs the nodes' due work (a job's later steps) until neither is left. */
  const drain = async () => {
    for (let guard = 0; guard < 100_000; guard++) {
      sched.runUntil(sched.now);
      await Promise.resolve();
      if (queue.length === 0) break;
      (queue.shift() as () => void)();
    }
  };
  return { a, b, sent, drain, sched, queue };
}

describe('anti-entropy (forceSync)', () => {
  it('sends only the keys that differ, not whole buckets', async () => {
    const { a, b, sent, drain } = pair();
    for (let i = 0; i < 20_000; i++) a.set(`k${i}`, i);
    await drain();
    expect(b.cache.size).toBe(20_000);
    // b holds one write a never received; a dropped one it had applied (as an eviction would).
    rawCache(b).set('orphan', { value: 'o', hlc: { wall: EPOCH, logical: 0, node: 'ghost#1' }, seq: 1, expiresAt: undefined });
    rawCache(a).delete('k7');
    sent.length = 0;
    const result = a.forceSync();
    await drain();
    expect(await result).toMatchObject({ peers: 1, repairedKeys: 1, differingBuckets: 2 });
    const shipped = sent.flatMap((m) => (m.type === 'repair' ? m.entries.map((e) => e.key) : [])).sort();
    expect(shipped).toEqual(['k7', 'orphan']);
    expect(a.get('orphan')?.value).toBe('o');
    expect(a.has('k7')).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('hashes the keys a step at a time: no digest leaves before its walk is done, and the node runs other work between steps', async () => {
    const { a, b, sent, drain, sched, queue } = pair();
    for (let i = 0; i < 20_000; i++) a.set(`k${i}`, i);
    await drain();
    sent.length = 0;
    const result = a.forceSync();
    let steps = 0;
    // One task at a time until a's digest is out: each is one step of the walk.
    while (!sent.some((m) => m.type === 'digest') && sched.runUntil(sched.now, 1) === 1) steps++;
    // Walked in one call, the digest was sent by forceSync() itself.
    expect(steps).toBeGreaterThanOrEqual(20_000 / 2000);
    expect(queue.length).toBe(1);
    await drain();
    expect(await result).toMatchObject({ peers: 1, repairedKeys: 0, differingBuckets: 0 });
    await Promise.all([a.close(), b.close()]);
  });

  it('goes on through a strategy switch between two steps (entries keep their slots), counting no key twice', async () => {
    const { a, b, sent, drain, sched } = pair();
    for (let i = 0; i < 20_000; i++) a.set(`k${i}`, i);
    await drain();
    sent.length = 0;
    const result = a.forceSync();
    for (let i = 0; i < 3; i++) sched.runUntil(sched.now, 1);
    expect(sent.some((m) => m.type === 'digest')).toBe(false);
    // The switch rebuilds only the policy: the walk continues from its cursor.
    a.setStrategy('lfu');
    expect(a.cache.strategy).toBe('lfu');
    await drain();
    expect(await result).toMatchObject({ peers: 1, repairedKeys: 0, differingBuckets: 0 });
    await Promise.all([a.close(), b.close()]);
  });
  it('caps each repair message by bytes as snapshots are, not only by item count', async () => {
    const { a, b, sent, drain } = pair();
    await drain();
    // 40 values of 100 KB that only `a` holds (written past replication, as an eviction elsewhere would leave them).
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 40; i++) rawCache(a).set(`big${i}`, { value: `${big}${i}`, hlc: { wall: EPOCH + i, logical: 0, node: 'a#1' }, seq: i + 1, expiresAt: undefined });
    sent.length = 0;
    const result = a.forceSync();
    await drain();
    expect(await result).toMatchObject({ repairedKeys: 40 });
    const repairs = sent.filter((m) => m.type === 'repair' && m.entries.length > 0);
    // 256 KB per message, plus at most the one value that crossed the line.
    for (const m of repairs) expect(JSON.stringify(m).length).toBeLessThan(256 * 1024 + 110_000);
    expect(repairs.length).toBeGreaterThanOrEqual(14);
    expect(b.get('big39')?.value).toBe(`${big}39`);
    await Promise.all([a.close(), b.close()]);
  });
});
