import { ReplicaNode } from './replica-node.js';
import { EPOCH, memoryCluster } from './test/memory-cluster.js';

describe('ReplicaNode tombstones and members stay bounded', () => {
  it('evictions leave no tombstone behind', () => {
    const node = new ReplicaNode({ nodeId: 'a', cache: { capacity: 2 }, now: () => EPOCH });
    for (let i = 0; i < 1000; i++) expect(node.set(`k${i}`, i).ok).toBe(true);
    expect(node.cache.size).toBe(2);
    expect(node.stats()).toMatchObject({ tombstones: 0, tombstoneBytes: 0 });
    void node.close();
  });

  it('collects tombstones after their grace even while a configured member never shows up, and reports count and bytes', () => {
    const { nodes, run } = memoryCluster(['a', 'b'], { tombstoneGraceMs: 1000, members: ['a', 'b', 'never-seen'] });
    const [a, b] = nodes;
    run(100);
    for (let i = 0; i < 100; i++) a.delete(`k${i}`);
    run(100);
    expect(a.stats().tombstones).toBe(100);
    expect(b.stats().tombstones).toBe(100);
    expect(a.stats().tombstoneBytes).toBeGreaterThan(100 * 2 * 'k00'.length);
    run(1500);
    expect(nodes.map((n) => n.stats())).toEqual([
      expect.objectContaining({ tombstones: 0, tombstoneBytes: 0 }),
      expect.objectContaining({ tombstones: 0, tombstoneBytes: 0 }),
    ]);
  });

  it('keeps at most maxTombstones, collecting the oldest early', () => {
    const node = new ReplicaNode({ nodeId: 'a', cache: { capacity: 100 }, now: () => EPOCH, maxTombstones: 10 });
    for (let i = 0; i < 50; i++) node.delete(`k${i}`);
    node.tick();
    expect(node.stats().tombstones).toBe(10);
    void node.close();
  });

  it('a member away for longer than the grace replaces its older state instead of bringing deleted keys back', () => {
    const { nodes, run, net } = memoryCluster(['a', 'b', 'c'], { tombstoneGraceMs: 2000, members: ['a', 'b', 'c'] });
    const [a, b, c] = nodes;
    run(200);
    a.set('gone', 'old');
    a.set('kept', 'old');
    run(200);
    expect(c.get('gone')?.value).toBe('old');
    net.partition([['a', 'b'], ['c']]);
    run(1500);
    b.delete('gone');
    run(1500);
    c.set('mine', 'written while away');
    run(3500);
    // a and b collected the tombstone: only the rule that c replaces its older state protects 'gone'.
    expect(a.stats().tombstones).toBe(0);
    net.heal();
    run(3000);
    expect(c.history(100).some((e) => e.type === 'state-replaced')).toBe(true);
    for (const node of nodes) void node.forceSync();
    run(3000);
    expect(nodes.map((n) => n.has('gone'))).toEqual([false, false, false]);
    expect(nodes.map((n) => n.get('kept')?.value)).toEqual(['old', 'old', 'old']);
    // What c wrote while away is newer than anything the others forgot: it survives and spreads.
    expect(nodes.map((n) => n.get('mine')?.value)).toEqual(['written while away', 'written while away', 'written while away']);
  });

  it('no longer learns members from heartbeats, and forgets members silent for forgetMemberAfterMs', () => {
    const { nodes, run } = memoryCluster(['a', 'b'], { forgetMemberAfterMs: 5000 });
    const [a] = nodes;
    const c = new ReplicaNode({ nodeId: 'c', cache: { capacity: 10 }, members: ['ghost'], now: () => EPOCH });
    expect(c.nodes().map((p) => p.id)).toEqual(['ghost']);
    void c.close();
    run(500);
    expect(a.nodes().map((p) => p.id)).toEqual(['b']);
    const { nodes: withGhost, run: runGhost } = memoryCluster(['x', 'y'], { forgetMemberAfterMs: 5000, members: ['ghost'] });
    runGhost(500);
    // y's heartbeats name ghost; x knows ghost only from its own configuration.
    expect(withGhost[0].nodes().map((p) => p.id).sort()).toEqual(['ghost', 'y']);
    runGhost(6000);
    expect(withGhost[0].nodes().map((p) => p.id)).toEqual(['y']);
    expect(withGhost[0].footprint().links).toBe(1);
  });
});
