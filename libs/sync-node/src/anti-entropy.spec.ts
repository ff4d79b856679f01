import type { PeerMessage } from '@meshcache/sync-protocol';
import { ReplicaNode } from './replica-node.js';
import { SeededScheduler } from './simulation/seeded-scheduler.js';
import { EPOCH } from './test/memory-cluster.js';
import { rawCache } from './test/raw-cache.js';

/** Two nodes joined by a direct, recorded, in-order pipe that the test drains by hand. */
function pair() {
  const sched = new SeededScheduler(1);
  const make = (nodeId: string) =>
    new ReplicaNode({ nodeId, cache: { capacity: 100_000, strategy: 'lru' }, now: () => EPOCH + sched.now, timers: sched.timersFor(nodeId) });
  const a = make('a');
  const b = make('b');
  const queue: (() => void)[] = [];
  const sent: PeerMessage[] = [];
  const wire = (message: PeerMessage) => JSON.parse(JSON.stringify(message)) as unknown;
  const handles: { toA?: ReturnType<ReplicaNode['openLink']>; toB?: ReturnType<ReplicaNode['openLink']> } = {};
  handles.toA = a.openLink({ send: (m) => (sent.push(m), queue.push(() => handles.toB?.receive(wire(m)))), close: () => undefined }, { dialedUrl: 'memory://b' });
  handles.toB = b.openLink({ send: (m) => (sent.push(m), queue.push(() => handles.toA?.receive(wire(m)))), close: () => undefined });
  const drain = async () => {
    for (let guard = 0; guard < 100_000 && queue.length > 0; guard++) {
      (queue.shift() as () => void)();
      sched.runUntil(sched.now);
      await Promise.resolve();
    }
  };
  return { a, b, sent, drain };
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
});
