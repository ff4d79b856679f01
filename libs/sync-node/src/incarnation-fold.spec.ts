import type { NodeSnapshot, Operation } from '@meshcache/sync-protocol';
import type { ReplicaNode } from './replica-node.js';
import { memoryCluster } from './test/memory-cluster.js';

/** Keeps what a node applied, as the server's snapshot + operation log would. */
function disk(node: ReplicaNode) {
  const saved: { snapshot: NodeSnapshot | undefined; ops: Operation[] } = { snapshot: undefined, ops: [] };
  node.on('op', (op) => saved.ops.push(JSON.parse(JSON.stringify(op)) as Operation));
  return saved;
}

describe('folding dead incarnations out of the version vector', () => {
  it('keeps one origin per node however often a node restarts, with every write everywhere and no snapshot traffic once settled', () => {
    const { nodes, run, make, net } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    let c = make('c');
    net.add(c);
    run(1000);
    const written: string[] = [];
    for (let i = 0; i < 20; i++) {
      expect(c.set(`k${i}`, i).ok).toBe(true);
      written.push(`k${i}`);
      run(1000);
      // Each start is a new incarnation (a new origin in every vector).
      net.crash('c');
      void c.close();
      run(100);
      c = make('c');
      net.add(c);
      run(2000);
    }
    expect(c.set('last', 20).ok).toBe(true);
    written.push('last');
    run(5000);
    const all = [a, b, c];
    for (const n of all) for (const [i, key] of written.entries()) expect(n.get(key)?.value).toBe(i);
    // Only c's live incarnation wrote since (21 origins without folding).
    for (const n of all) expect(n.versionVectorPairs()).toEqual([[c.origin, 1]]);
    for (const n of all) expect(n.foldedIncarnations()).toEqual([['c', expect.any(Number)]]);
    const sent = all.map((n) => n.stats().snapshotsSent);
    run(5000);
    expect(all.map((n) => n.stats().snapshotsSent)).toEqual(sent);
  });

  it('folds nothing while a member is away: back from its disk, it still gets the writes of an incarnation that died meanwhile', () => {
    const { nodes, run, make, net } = memoryCluster(['a']);
    const [a] = nodes;
    let b = make('b');
    const bDisk = disk(b);
    net.add(b);
    let c = make('c');
    net.add(c);
    run(1000);
    expect(c.set('before', 1).ok).toBe(true);
    run(1000);
    expect(b.get('before')?.value).toBe(1);
    bDisk.snapshot = JSON.parse(JSON.stringify(b.snapshot())) as NodeSnapshot;
    bDisk.ops = [];
    net.crash('b');
    void b.close();
    run(100);
    // While b is away, c writes, dies and comes back as a new incarnation.
    expect(c.set('while-b-away', 2).ok).toBe(true);
    run(1000);
    const oldC = c.origin;
    net.crash('c');
    void c.close();
    run(100);
    c = make('c');
    net.add(c);
    run(5000);
    expect(a.get('while-b-away')?.value).toBe(2);
    expect(a.foldedIncarnations()).toEqual([]);
    expect(a.versionVectorPairs().map(([origin]) => origin)).toContain(oldC);
    b = make('b');
    b.restore(bDisk.snapshot, bDisk.ops);
    net.add(b);
    run(5000);
    for (const n of [a, b, c]) expect(n.get('while-b-away')?.value).toBe(2);
    // Now every member has it: it folds.
    for (const n of [a, b, c]) expect(n.versionVectorPairs()).toEqual([]);
  });

  it('a twin with a later incarnation does not make the real node’s writes vanish once it is gone: an origin folded while only the twin was seen is listed again when its node connects', () => {
    const { nodes, run, make, net } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    const c = make('c', { incarnation: 'a1' });
    net.add(c);
    run(1000);
    expect(c.set('before', 1).ok).toBe(true);
    run(1000);
    // The real c is cut off; a second node started with c's id (a later incarnation) takes its place.
    net.partition([['a', 'b', 'twin'], ['c']]);
    run(2000);
    const twin = make('c', { incarnation: 'zz' });
    net.add(twin, 'twin');
    run(5000);
    // The twin leaves; the real c is back and writes again.
    net.crash('twin');
    void twin.close();
    net.heal();
    run(3000);
    expect(c.set('after', 2).ok).toBe(true);
    run(3000);
    for (const n of [a, b, c]) expect([n.get('before')?.value, n.get('after')?.value]).toEqual([1, 2]);
  });
});
