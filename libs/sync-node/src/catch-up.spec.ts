import type { Operation } from '@meshcache/sync-protocol';
import type { ReplicaNode } from './replica-node.js';
import { memoryCluster } from './test/memory-cluster.js';

/** Every node holds the same keys with the same values. */
const converged = (nodes: ReplicaNode[]): boolean => {
  const view = (n: ReplicaNode) => JSON.stringify([...n.cache.entries()].map(([k, e]) => [k, e.value]).sort());
  return nodes.every((n) => view(n) === view(nodes[0]));
};
const runUntil = (run: (ms: number) => void, check: () => boolean, maxMs: number): void => {
  for (let t = 0; t < maxMs && !check(); t += 100) run(100);
};
const snapshotsTo = (senders: ReplicaNode[], peer: string) =>
  senders.flatMap((n) => n.history(1000).filter((e) => e.type === 'full-sync-sent' && e.peer === peer).map(() => n.nodeId));

describe('catch-up costs what was missed', () => {
  it('repairs a node cut off while 5,000 writes were made (inside the backlog) with a partial resync, even if it held no other node\'s write before', () => {
    const { nodes, net, run } = memoryCluster(['a', 'b', 'c'], { cache: { capacity: 20_000, strategy: 'lru' } });
    const [a, b, c] = nodes;
    runUntil(run, () => nodes.every((n) => n.nodes().filter((p) => p.state === 'up').length === 2), 5000);
    // Cut off for 12 s (frozen, or its link down): peers close its links and redial later.
    net.partition([['a', 'b'], ['c']]);
    for (let i = 0; i < 5000; i++) (i % 2 ? a : b).set(`key-${i}`, i);
    run(12_000);
    net.heal();
    runUntil(run, () => c.cache.size === 5000 && converged(nodes), 30_000);
    expect(c.cache.size).toBe(5000);
    expect(converged(nodes)).toBe(true);
    expect(c.stats().fullSyncs).toBe(0);
    expect(snapshotsTo([a, b], 'c')).toEqual([]);
    expect(c.stats().partialSyncs).toBeGreaterThan(0);
    expect(a.stats().repairs?.partial.items).toBeGreaterThanOrEqual(2500);
    expect(a.stats().repairs?.snapshot.count).toBe(0);
  });

  it('refills a restarted empty node with one snapshot, not one from each peer, when no backlog reaches back', () => {
    const { nodes, net, run, sched, make } = memoryCluster(['a', 'b', 'c'], { cache: { capacity: 20_000, strategy: 'lru' }, backlogSize: 200 });
    const [a, b, c] = nodes;
    runUntil(run, () => nodes.every((n) => n.nodes().filter((p) => p.state === 'up').length === 2), 5000);
    for (let i = 0; i < 3000; i++) [a, b, c][i % 3].set(`key-${i}`, i);
    runUntil(run, () => converged(nodes) && a.cache.size === 3000, 30_000);
    expect(converged(nodes)).toBe(true);
    const before = snapshotsTo([a, b], 'c').length;
    const tallyBefore = [a, b].map((n) => n.stats().repairs?.snapshot ?? { count: 0, bytes: 0 });
    sched.cancelOwner('c');
    net.crash('c');
    run(2000);
    const fresh = make('c', { timers: sched.timersFor('c2') });
    net.add(fresh);
    runUntil(run, () => fresh.cache.size === 3000 && converged([a, b, fresh]), 60_000);
    run(5000);
    expect(converged([a, b, fresh])).toBe(true);
    expect(fresh.stats().fullSyncs).toBe(1);
    expect(snapshotsTo([a, b], 'c').length - before).toBe(1);
    const repairs = [a, b].map((n, i) => ({ count: (n.stats().repairs?.snapshot.count ?? 0) - tallyBefore[i].count, bytes: (n.stats().repairs?.snapshot.bytes ?? 0) - tallyBefore[i].bytes }));
    expect(repairs.reduce((sum, r) => sum + r.count, 0)).toBe(1);
    expect(repairs.reduce((sum, r) => sum + r.bytes, 0)).toBeGreaterThan(3000 * 10);
  });

  it('after a kill -9 and a restart from disk, sends each peer only the writes its previous incarnation applied but never sent, not the whole state', () => {
    const { nodes, net, run, sched, make } = memoryCluster(['a', 'b', 'c'], { cache: { capacity: 20_000, strategy: 'lru' } });
    const [a, b, c] = nodes;
    runUntil(run, () => nodes.every((n) => n.nodes().filter((p) => p.state === 'up').length === 2), 5000);
    for (let i = 0; i < 3000; i++) [a, b, c][i % 3].set(`key-${i}`, i);
    runUntil(run, () => converged(nodes) && a.cache.size === 3000, 30_000);
    // c's disk: a snapshot now, then every operation it journals.
    const saved = JSON.parse(JSON.stringify(c.snapshot())) as ReturnType<ReplicaNode['snapshot']>;
    const log: Operation[] = [];
    c.setJournal((op) => {
      log.push(JSON.parse(JSON.stringify(op)) as Operation);
      return { ok: true };
    });
    // c applies and acknowledges 5 writes that never leave it: its links are down, then kill -9.
    net.partition([['a', 'b'], ['c']]);
    for (let i = 0; i < 5; i++) c.set(`tail-${i}`, i);
    sched.cancelOwner('c');
    net.crash('c');
    net.heal();
    run(2000);
    const tallies = () => [a, b].map((n) => n.stats().repairs?.snapshot.count ?? 0);
    const snapshotsBefore = tallies();
    const restarted = make('c', { timers: sched.timersFor('c2') });
    restarted.restore(saved, log);
    const partialBefore = restarted.stats().repairs?.partial.items ?? 0;
    net.add(restarted);
    runUntil(run, () => converged([a, b, restarted]) && a.cache.size === 3005 && b.cache.size === 3005, 30_000);
    run(5000);
    expect(converged([a, b, restarted])).toBe(true);
    expect(a.get('tail-4')?.value).toBe(4);
    // No whole-state snapshot from anyone: the restarted node sent each peer its 5 missed writes.
    expect(restarted.stats().repairs?.snapshot.count).toBe(0);
    expect(tallies()).toEqual(snapshotsBefore);
    expect((restarted.stats().repairs?.partial.items ?? 0) - partialBefore).toBe(10);
  });
  it("a node restarted after installing a peer's snapshot still claims it, so what it alone holds of a node gone for good reaches the others (sim seed 14258)", () => {
    const { nodes, net, run, sched, make } = memoryCluster(['a', 'b', 'c'], { cache: { capacity: 20_000, strategy: 'lru' }, backlogSize: 20 });
    const [a, b] = nodes;
    runUntil(run, () => nodes.every((n) => n.nodes().filter((p) => p.state === 'up').length === 2), 5000);
    for (let i = 0; i < 10; i++) a.set(`base-${i}`, i);
    runUntil(run, () => converged(nodes) && b.cache.size === 10, 30_000);
    // c goes down and b is cut off; a's next 50 writes overwrite one key (a snapshot keeps only the last), then a switch.
    sched.cancelOwner('c');
    net.crash('c');
    net.partition([['a', 'c'], ['b']]);
    for (let i = 0; i < 50; i++) a.set('hot', i);
    a.setStrategy('lfu');
    run(2000);
    // c comes back empty and refills from a's snapshot; its disk journals, and snapshots on 'snapshot-installed' as the server does.
    const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
    const disk: { snapshot: ReturnType<ReplicaNode['snapshot']> | undefined; log: Operation[] } = { snapshot: undefined, log: [] };
    const c2 = make('c', { timers: sched.timersFor('c2') });
    c2.setJournal((op) => {
      disk.log.push(clone(op));
      return { ok: true };
    });
    c2.on('snapshot-installed', () => {
      disk.snapshot = clone(c2.snapshot());
      disk.log = [];
    });
    net.add(c2);
    runUntil(run, () => c2.get('hot')?.value === 49 && c2.cache.strategy === 'lfu', 30_000);
    expect(c2.get('hot')?.value).toBe(49);
    // a is gone for good; c is killed and restarted from its disk; the partition heals.
    sched.cancelOwner('a');
    net.crash('a');
    sched.cancelOwner('c2');
    net.crash('c');
    const c3 = make('c', { timers: sched.timersFor('c3') });
    c3.restore(disk.snapshot, disk.log);
    net.add(c3);
    net.heal();
    runUntil(run, () => b.get('hot')?.value === 49 && b.cache.strategy === 'lfu', 60_000);
    expect(b.get('hot')?.value).toBe(49);
    expect(b.cache.strategy).toBe('lfu');
    expect(converged([b, c3])).toBe(true);
  });
});

