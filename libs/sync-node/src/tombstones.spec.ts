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

  it('a node paused for longer than the grace delivers its writes to keys its peer does not hold, and its peer shows it paused', () => {
    const { nodes, run } = memoryCluster(['a', 'b'], { tombstoneGraceMs: 2000, members: ['a', 'b'] });
    const [a, b] = nodes;
    run(200);
    b.set('gone', 'x');
    run(200);
    // Written just before the pause and not sent yet: held too, though stamped before it.
    a.set('before-pause', 'held');
    a.setSyncEnabled(false);
    a.set('during-pause', 'held');
    run(300);
    expect(b.nodes().find((n) => n.id === 'a')).toMatchObject({ state: 'up', paused: true });
    expect(a.problems()).toEqual([expect.objectContaining({ code: 'sync-paused' })]);
    expect(b.problems()).toEqual([expect.objectContaining({ code: 'sync-paused', peer: 'a' })]);
    // Stamped after both held writes: collecting its grave would put b's floor past them.
    b.delete('gone');
    run(5000);
    expect(b.stats().tombstones).toBe(1);
    a.setSyncEnabled(true);
    run(1000);
    expect(b.get('before-pause')?.value).toBe('held');
    expect(b.get('during-pause')?.value).toBe('held');
    expect(b.nodes().find((n) => n.id === 'a')?.paused).toBeUndefined();
    expect([...a.problems(), ...b.problems()]).toEqual([]);
    // Once b has them, the grave goes as any other.
    run(3000);
    expect(b.stats().tombstones).toBe(0);
    expect(b.has('gone')).toBe(false);
  });

  it('a write waiting in the send window when sync is turned off is held like those made after', () => {
    const { nodes, run, net, make } = memoryCluster(['b'], { tombstoneGraceMs: 2000, members: ['a', 'b'], sendWindowMs: 0 });
    const [b] = nodes;
    // a sends what it writes at most once a second; b at once.
    const a = make('a', { sendWindowMs: 1000 });
    net.add(a);
    run(500);
    b.set('gone', 'x');
    run(500);
    a.set('first', 1);
    run(1);
    // Within a second of the batch that took 'first': it waits for the window to end.
    a.set('waiting', 'in the window');
    run(1);
    // Stamped after 'waiting'; a's clock has seen it by the time sync goes off.
    b.delete('gone');
    run(100);
    expect(a.has('gone')).toBe(false);
    expect(b.has('waiting')).toBe(false);
    a.setSyncEnabled(false);
    run(5000);
    a.setSyncEnabled(true);
    run(1000);
    expect(b.get('waiting')?.value).toBe('in the window');
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'seed %i: pauses longer than the grace among writes, deletes and lossy links end with every node holding the same entries',
    (seed) => {
      const ids = ['a', 'b', 'c'];
      const { nodes, run, net, sched } = memoryCluster(ids, { tombstoneGraceMs: 400, members: ids }, seed);
      net.faults = { drop: 0.05, duplicate: 0.02, reorder: 0.1, minDelayMs: 1, maxDelayMs: 20 };
      run(300);
      for (let step = 0; step < 80; step++) {
        const node = sched.pick(nodes);
        const key = `k${sched.int(0, 15)}`;
        const roll = sched.int(0, 99);
        if (roll < 40) node.set(key, `${node.nodeId}-${step}`);
        else if (roll < 65) node.delete(key);
        else if (roll < 75) node.setSyncEnabled(!node.syncEnabled);
        else run(sched.int(100, 900));
        run(sched.int(1, 40));
      }
      net.faults = { drop: 0, duplicate: 0, reorder: 0, minDelayMs: 1, maxDelayMs: 5 };
      for (const node of nodes) node.setSyncEnabled(true);
      run(6000);
      const held = (node: (typeof nodes)[number]) => Object.fromEntries([...node.cache.keys()].sort().map((k) => [k, node.peek(k)?.value]));
      expect(nodes.map(held)).toEqual(nodes.map(() => held(nodes[0])));
    },
  );

  it('says so on /health when maxTombstones collects graves a paused peer still needs', () => {
    const { nodes, run } = memoryCluster(['a', 'b'], { tombstoneGraceMs: 2000, members: ['a', 'b'], maxTombstones: 5 });
    const [a, b] = nodes;
    run(200);
    a.setSyncEnabled(false);
    a.set('held', 1);
    run(300);
    for (let i = 0; i < 10; i++) b.delete(`k${i}`);
    run(300);
    expect(b.stats().tombstones).toBe(5);
    expect(b.problems()).toContainEqual(expect.objectContaining({ code: 'tombstones-collected-early', message: expect.stringContaining('a paused peer still holds writes back') }));
    a.setSyncEnabled(true);
    run(62_000);
    expect(b.problems()).toEqual([]);
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
