import { STRATEGIES, type PeerMessage, type SnapshotChunkMessage, type Strategy } from '@meshcache/sync-protocol';
import type { ReplicaNode } from './replica-node.js';
import { unpackState } from './snapshot-codec.js';
import { memoryCluster } from './test/memory-cluster.js';
import { unsealed } from './test/unsealed.js';

/** Keys, values and stamps, so two nodes agree only if they hold the same writes. */
const view = (n: ReplicaNode) => JSON.stringify([...n.cache.entries()].map(([k, e]) => [k, e.value, e.hlc]).sort());
const allUp = (nodes: ReplicaNode[]) => nodes.every((n) => n.nodes().filter((p) => p.state === 'up').length === nodes.length - 1);
const isChunk = (m: PeerMessage): m is SnapshotChunkMessage => m.type === 'snapshot-chunk';

describe('a snapshot to a peer is read from the store as it is sent', () => {
  it('reads each chunk when it goes out: a key removed before the walk reached it is not sent, our later write follows on the stream', () => {
    const { nodes, net, run, sched, make } = memoryCluster(['a'], { snapshotChunkEntries: 10, backlogSize: 5 });
    const [a] = nodes;
    for (let i = 0; i < 100; i++) a.set(`k${i}`, i);
    const chunks: SnapshotChunkMessage[] = [];
    net.tap = (wire) => {
      const m = unsealed(wire);
      if (isChunk(m)) chunks.push(m);
    };
    const b = make('b');
    net.add(b);
    // One task at a time until the first chunk is out.
    for (let t = sched.now + 5000; chunks.length === 0 && sched.now < t; ) sched.runUntil(t, 1);
    expect(chunks).toHaveLength(1);
    // The walk has not reached these keys yet (slot order is insertion order here).
    a.delete('k99');
    a.set('k98', 'after the snapshot began');
    for (let t = sched.now + 5000; !chunks.some((c) => c.last) && sched.now < t; ) sched.runUntil(t, 1);
    const sent = chunks.flatMap((c) => unpackState(c)?.entries ?? []);
    // Copied up front, the snapshot carried both with their old values.
    expect(sent.map((e) => e.key)).not.toContain('k99');
    expect(sent.map((e) => e.key)).not.toContain('k98');
    expect(sent).toHaveLength(98);
    expect(chunks.length).toBeGreaterThan(9);
    // The vector on the last chunk is the one of the walk's start: the two writes come on the stream.
    expect(chunks.at(-1)?.vv).toEqual([[a.origin, 100]]);
    run(2000);
    expect(b.peek('k99')).toBeUndefined();
    expect(b.peek('k98')?.value).toBe('after the snapshot began');
    expect(view(b)).toBe(view(a));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('converges when every node keeps writing, deleting, clearing and switching strategy while the snapshot streams (seed %i)', (seed) => {
    const { nodes, net, run, sched, make } = memoryCluster(['a', 'c'], { snapshotChunkEntries: 1, backlogSize: 10 }, seed);
    const [a, c] = nodes;
    for (let t = 0; t < 5000 && !allUp(nodes); t += 50) run(50);
    for (let i = 0; i < 40; i++) (i % 2 ? a : c).set(`k${i}`, i);
    c.delete('k7');
    run(500);
    let streaming = false;
    net.tap = (wire) => {
      const m = unsealed(wire);
      if (isChunk(m)) streaming = !m.last;
    };
    const b = make('b');
    net.add(b);
    let steps = 0;
    let during = 0;
    for (; steps < 4000 && (steps < 100 || streaming); steps++) {
      sched.runUntil(sched.now + 1, 1);
      if (!streaming) continue;
      during++;
      const writer = sched.pick([a, c, b]);
      const roll = sched.random();
      const key = `k${sched.int(0, 49)}`;
      if (roll < 0.6) writer.set(key, `${writer.nodeId}@${steps}`, sched.chance(0.1) ? { ttlMs: sched.int(1, 400) } : undefined);
      else if (roll < 0.9) writer.delete(key);
      else if (roll < 0.95) writer.setStrategy(sched.pick<Strategy>([...STRATEGIES]));
      else writer.clear();
    }
    expect(during).toBeGreaterThan(10);
    // The strategy too: the entries can agree before the last switch has reached every node.
    const same = () => view(a) === view(b) && view(a) === view(c) && a.cache.strategy === b.cache.strategy && a.cache.strategy === c.cache.strategy;
    for (let t = 0; t < 10_000 && !same(); t += 100) run(100);
    expect(view(b)).toBe(view(a));
    expect(view(c)).toBe(view(a));
    expect(b.cache.strategy).toBe(a.cache.strategy);
    expect(b.stats().fullSyncs).toBeGreaterThan(0);
  });
});
