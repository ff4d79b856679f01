import type { Operation } from '@meshcache/sync-protocol';
import type { ReplicaNode } from './replica-node.js';
import { EPOCH, memoryCluster } from './test/memory-cluster.js';
import { MAX_UNCLAIMED_ORIGINS, UnclaimedState } from './unclaimed-state.js';
import { VersionVector } from './version-vector.js';
import { unsealed } from './test/unsealed.js';

const entriesOf = (node: ReplicaNode) => JSON.stringify([...node.cache.entries()].map(([k, e]) => [k, e.value, e.hlc]).sort());
const runUntil = (run: (ms: number) => void, check: () => boolean, maxMs: number): void => {
  for (let t = 0; t < maxMs && !check(); t += 100) run(100);
};

/**
 * Two nodes, not yet on the network, that both applied the first write of a vanished origin
 * (gone#1); b also holds its third (from a snapshot cut short), past the gap.
 */
function pastTheGap() {
  const { net, run, make } = memoryCluster([]);
  const op = (seq: number, key: string): Operation => ({ origin: 'gone#1', seq, hlc: { wall: EPOCH - 1000 + seq, logical: 0, node: 'gone#1' }, op: { type: 'set', key, value: seq } });
  const b = make('b');
  const c = make('c');
  b.restore(undefined, [op(1, 'x'), op(3, 'y')]);
  c.restore(undefined, [op(1, 'x')]);
  return { net, run, make, b, c };
}

describe('state held without a claim', () => {
  it('reaches the other members once its origin is gone for good: a snapshot cut short by its sender vanishing (simulation seed 2807)', () => {
    // Small backlog: a node that missed more than 4 writes is caught up by a snapshot, one entry per chunk.
    const { nodes, net, run, sched } = memoryCluster(['a', 'b', 'c'], { backlogSize: 4, snapshotChunkEntries: 1 });
    const [a, b, c] = nodes;
    runUntil(run, () => nodes.every((n) => n.nodes().filter((p) => p.state === 'up').length === 2), 5000);
    c.set('k', 'old');
    run(500);
    // a writes alone, past its backlog: b and c can only take those writes from a snapshot.
    net.partition([['a'], ['b', 'c']]);
    runUntil(run, () => a.nodes().every((p) => p.state === 'down'), 30_000);
    for (let i = 0; i < 20; i++) a.set(`key-${i}`, i);
    a.set('k', 'newest');
    // Only b reaches a again, and a vanishes for good just before b receives the snapshot's
    // last chunk (the one whose vector would make b claim a's writes).
    let cut = false;
    const openLink = b.openLink.bind(b);
    b.openLink = (end, info) => {
      const handle = openLink(end, info);
      const receive = handle.receive.bind(handle);
      handle.receive = (raw) => {
        const message = unsealed(raw as Parameters<typeof unsealed>[0]);
        if (cut || message.type !== 'snapshot-chunk' || !message.last) return receive(raw);
        cut = true;
        sched.cancelOwner('a');
        net.crash('a');
      };
      return handle;
    };
    net.partition([['a', 'b'], ['c']]);
    runUntil(run, () => cut, 10_000);
    expect(cut).toBe(true);
    // b holds a's newer write to k from the chunks that arrived, without claiming it.
    expect(b.get('k')?.value).toBe('newest');
    expect(b.versionVectorPairs().find(([origin]) => origin === a.origin)?.[1] ?? 0).toBeLessThan(21);
    net.heal();
    // An exchange begun before the heal waits out its timeout (forceSyncTimeoutMs, 10 s) first.
    runUntil(run, () => c.get('k')?.value === 'newest' && entriesOf(b) === entriesOf(c), 30_000);
    expect(c.get('k')?.value).toBe('newest');
    expect(entriesOf(c)).toBe(entriesOf(b));
    // The operator's view: b's history says it repaired c by itself, and why.
    const automatic = b.history(1000).filter((e) => e.type === 'force-sync' && e.peer === 'c' && e.message?.startsWith('automatic: passed on'));
    expect(automatic.length).toBeGreaterThan(0);
    expect(automatic.some((e) => (e.count ?? 0) > 0)).toBe(true);
  });

  it('reaches the other members from a log replayed past a gap, once restarted', () => {
    const { net, run, b, c } = pastTheGap();
    expect(b.versionVectorPairs()).toEqual(c.versionVectorPairs());
    net.add(b);
    net.add(c);
    runUntil(run, () => c.get('y') !== undefined, 30_000);
    expect(c.get('y')?.value).toBe(3);
  });

  it('reaches the other members from a snapshot of the node itself holding state its vector did not claim, once restarted (simulation seed 121692)', () => {
    const { net, run, make, b, c } = pastTheGap();
    // b's disk takes a snapshot of it (as the server's persistence does): y is in its entries,
    // gone#1's seq 3 not in its vector. b restarts from that snapshot alone.
    const saved = b.snapshot();
    expect(saved.vv).toEqual([['gone#1', 1]]);
    const restarted = make('b');
    restarted.restore(saved, []);
    // Before: the restart held y without noting it, so no exchange ever passed it on.
    net.add(restarted);
    net.add(c);
    runUntil(run, () => c.get('y') !== undefined, 30_000);
    expect(c.get('y')?.value).toBe(3);
  });

  it('passes on a clear no vector claims: anti-entropy carries the watermark (simulation seed 9021)', () => {
    const { net, run, make } = memoryCluster([]);
    const at = (seq: number) => ({ wall: EPOCH - 1000 + seq, logical: 0, node: 'gone#1' });
    const set: Operation = { origin: 'gone#1', seq: 1, hlc: at(1), op: { type: 'set', key: 'x', value: 1 } };
    const clear: Operation = { origin: 'gone#1', seq: 3, hlc: at(3), op: { type: 'clear' } };
    const b = make('b');
    const c = make('c');
    // b holds the vanished writer's clear past a gap (claims only its first write); c holds x.
    b.restore(undefined, [set, clear]);
    c.restore(undefined, [set]);
    expect(b.has('x')).toBe(false);
    expect(b.versionVectorPairs()).toEqual(c.versionVectorPairs());
    net.add(b);
    net.add(c);
    runUntil(run, () => !c.has('x'), 30_000);
    expect(c.has('x')).toBe(false);
    expect(c.snapshot().watermark).toEqual({ hlc: at(3), seq: 3 });
  });

  it('waits while the owner still streams its origin, then owes every other member one exchange', () => {
    const held = new UnclaimedState();
    const vv = new VersionVector();
    let streaming = true;
    const view = { vv, streamable: () => streaming, members: ['a', 'c'] };
    held.note('a#1', 7);
    expect(held.owed(view).size).toBe(0);
    streaming = false;
    const owed = held.owed(view);
    expect([...owed.keys()]).toEqual(['c']);
    held.shared('c', owed.get('c') ?? []);
    expect(held.owed(view).size).toBe(0);
    expect(held.size).toBe(0);
    // Claimed meanwhile (by a stream or a snapshot): nothing is owed.
    held.note('a#1', 9);
    vv.set('a#1', 9);
    expect(held.owed(view).size).toBe(0);
    expect(held.size).toBe(0);
  });

  it('owes an exchange again for newer state merged while one was running', () => {
    const held = new UnclaimedState();
    const view = { vv: new VersionVector(), streamable: () => false, members: ['b'] };
    held.note('a#1', 3);
    const begun = held.owed(view).get('b') ?? [];
    held.note('a#1', 5);
    held.shared('b', begun);
    expect([...held.owed(view).keys()]).toEqual(['b']);
  });

  it('tracks at most MAX_UNCLAIMED_ORIGINS origins, forgetting the oldest', () => {
    const held = new UnclaimedState();
    for (let i = 0; i <= MAX_UNCLAIMED_ORIGINS; i++) held.note(`gone#${i}`, 1);
    expect(held.size).toBe(MAX_UNCLAIMED_ORIGINS);
    const view = { vv: new VersionVector(), streamable: () => false, members: ['b'] };
    expect(held.owed(view).get('b')).toHaveLength(MAX_UNCLAIMED_ORIGINS);
  });
});
