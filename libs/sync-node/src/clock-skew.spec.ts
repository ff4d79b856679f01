import type { NodeSnapshot, Operation } from '@meshcache/sync-protocol';
import { ReplicaNode } from './replica-node.js';
import { EPOCH, memoryCluster } from './test/memory-cluster.js';

const MINUTES = 60_000;

/** A node's saved state holding a clear stamped 5 minutes ahead by `x`, whose clock ran fast. */
const futureWatermarkSnapshot = (nodeId: string): NodeSnapshot => ({
  format: 1,
  nodeId,
  origin: `${nodeId}#1`,
  takenAt: EPOCH,
  vv: [['x#1', 1]],
  entries: [],
  tombstones: [],
  watermark: { hlc: { wall: EPOCH + 5 * MINUTES, logical: 0, node: 'x#1' }, seq: 1 },
  strategy: { strategy: 'lru', stamp: null },
  members: [],
  floor: null,
  folded: [],
});

describe('ReplicaNode under clock skew', () => {
  it('says when it dropped a clock fault\'s state, so a journal can snapshot then; a restart from that snapshot and the journal since does not bring the dropped writes back', () => {
    let skew = 5 * MINUTES;
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b'], { maxClockOffsetMs: 1000, heartbeatMs: 1000 });
    const [a] = nodes;
    a.set('k', 'honest');
    const z = make('z', { now: () => EPOCH + sched.now + skew });
    // z's disk, as the server keeps it: every operation logged, a snapshot when the state is replaced.
    let saved: NodeSnapshot | undefined;
    let log: Operation[] = [];
    z.setJournal((op) => {
      log.push(JSON.parse(JSON.stringify(op)) as Operation);
      return { ok: true };
    });
    const replaced: string[] = [];
    z.on('state-replaced', ({ reason }) => {
      replaced.push(reason);
      saved = JSON.parse(JSON.stringify(z.snapshot())) as NodeSnapshot;
      log = [];
    });
    expect(z.set('k', 'future').ok).toBe(true);
    expect(z.set('only-z', 'future').ok).toBe(true);
    net.add(z);
    run(3000);
    run(6 * MINUTES);
    skew = 0;
    run(30_000);
    expect(replaced).toEqual([expect.stringContaining('clock fault')]);
    expect(z.get('k')?.value).toBe('honest');
    expect(z.get('only-z')).toBeUndefined();
    // kill -9 and restart from the disk: the future writes stay dropped.
    const restarted = new ReplicaNode({ nodeId: 'z', cache: { capacity: 1000, strategy: 'lru' }, now: () => EPOCH + sched.now });
    restarted.restore(saved, log);
    expect(restarted.peek('k')?.value).toBe('honest');
    expect(restarted.peek('only-z')).toBeUndefined();
    void restarted.close();
  });

  it('never applies writes stamped too far ahead, not even once the clock caught up; the skewed node learns it, refuses writes, then recovers under a new origin', () => {
    let skew = 5 * MINUTES;
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b'], { maxClockOffsetMs: 1000, heartbeatMs: 1000 });
    const [a, b] = nodes;
    a.set('k', 'honest');
    // z starts with a clock 5 minutes fast: nothing has told it yet, so its first write goes out.
    const z = make('z', { now: () => EPOCH + sched.now + skew });
    expect(z.set('k', 'future').ok).toBe(true);
    net.add(z);
    run(3000);
    expect(a.get('k')?.value).toBe('honest');
    expect(b.get('k')?.value).toBe('honest');
    // The first peer to get z's write refused it for good and told z, which then stopped sending it.
    expect([a, b].some((n) => n.history(100).some((e) => e.type === 'clock-skew' && e.peer === 'z' && e.message?.includes('for good')))).toBe(true);
    // z learned it: out of bounds with both peers, reported, and refusing writes.
    expect(z.problems()).toEqual([expect.objectContaining({ code: 'clock-skew' })]);
    expect(z.stats().problems).toEqual([expect.objectContaining({ code: 'clock-skew' })]);
    expect(z.set('x', 1)).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(z.delete('k')).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(z.clear()).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(z.history(100).some((e) => e.type === 'clock-skew')).toBe(true);
    // Ten minutes later the stamp is in everyone's past: it is still never applied.
    run(6 * MINUTES);
    expect(a.get('k')?.value).toBe('honest');
    expect(b.get('k')?.value).toBe('honest');
    // NTP fixes z: it drops what the peers refused, takes their state, writes under a new origin.
    const oldOrigin = z.origin;
    skew = 0;
    run(30_000);
    expect(z.problems()).toEqual([]);
    expect(z.origin).not.toBe(oldOrigin);
    expect(z.get('k')?.value).toBe('honest');
    expect(z.history(100).some((e) => e.type === 'state-replaced')).toBe(true);
    expect(z.set('k', 'fixed').ok).toBe(true);
    run(3000);
    expect([a, b, z].map((n) => n.get('k')?.value)).toEqual(['fixed', 'fixed', 'fixed']);
  });

  it('a node whose own clock is behind stalls its peers’ streams instead of refusing them, and refuses writes until fixed', () => {
    let skew = -5 * MINUTES;
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b'], { maxClockOffsetMs: 1000 });
    const [a, b] = nodes;
    const slow = make('s', { now: () => EPOCH + sched.now + skew });
    net.add(slow);
    run(500);
    a.set('k', 1);
    run(500);
    expect(slow.has('k')).toBe(false);
    expect(slow.set('x', 1)).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(a.problems()).toEqual([]);
    expect(b.problems()).toEqual([]);
    skew = 0;
    run(3000);
    expect(slow.problems()).toEqual([]);
    expect(slow.get('k')?.value).toBe(1);
    expect(slow.set('x', 2).ok).toBe(true);
  });

  it('a node whose clock is behind gets no snapshot it would drop, only once its clock is fixed', () => {
    let skew = -5 * MINUTES;
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b'], { maxClockOffsetMs: 1000, backlogSize: 2 });
    const [a, b] = nodes;
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) expect(a.set(key, key).ok).toBe(true);
    run(500);
    // s is new: only a snapshot brings it a's writes, and its clock is 5 minutes behind them.
    const slow = make('s', { now: () => EPOCH + sched.now + skew });
    net.add(slow);
    run(10_000);
    expect(slow.has('k1')).toBe(false);
    // At most the snapshot sent before s's first heartbeat told its clock (it refused them all
    // and got another every retransmission period, a whole cache each time).
    for (const n of [a, b]) expect(n.stats().snapshotsSent).toBeLessThanOrEqual(1);
    skew = 0;
    run(3000);
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) expect(slow.get(key)?.value).toBe(key);
  });

  it('notices its own wall clock jumping (against the monotonic clock) and refuses writes until a peer confirms it', () => {
    let jump = 0;
    const { nodes, run, make, net, sched } = memoryCluster(['a'], { maxClockOffsetMs: 1000 });
    const j = make('j', { now: () => EPOCH + sched.now + jump, monotonicNow: () => sched.now });
    net.add(j);
    run(500);
    expect(j.set('k', 1).ok).toBe(true);
    jump = 3 * MINUTES;
    expect(j.set('k', 2)).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(j.problems()[0]?.message).toContain('jumped');
    run(500);
    // a's heartbeats say the new reading is 3 minutes off: still refused.
    expect(j.set('k', 3)).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    jump = 0;
    run(3000);
    expect(j.set('k', 4).ok).toBe(true);
    run(500);
    expect(nodes[0].get('k')?.value).toBe(4);
  });

  it('a jump is confirmed only by a majority of all known members: two hosts of a minority partition set forward together do not vouch for each other', () => {
    let jump = 0;
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b', 'c'], { maxClockOffsetMs: 1000 });
    const jumpers = ['x', 'y'].map((id) => make(id, { now: () => EPOCH + sched.now + jump, monotonicNow: () => sched.now }));
    jumpers.forEach((n) => net.add(n));
    run(1000);
    const [x, y] = jumpers;
    expect(x.set('k', 1).ok).toBe(true);
    net.partition([['a', 'b', 'c'], ['x', 'y']]);
    run(2000);
    jump = 3 * MINUTES;
    run(1000);
    // y agrees with x's new reading, but x and y are 2 of 5 members: not a confirmation. Counting
    // only the peers in reach, x acknowledged a write stamped 3 minutes ahead that a, b and c refuse.
    for (const n of jumpers) expect(n.set('k', 2)).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(x.problems().find((p) => p.code === 'clock-skew')?.message).toContain('5 known members');
    net.heal();
    run(3000);
    // Back with the majority, both are outvoted until their clocks are set right.
    for (const n of jumpers) expect(n.set('k', 3)).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    jump = 0;
    run(5000);
    expect(y.set('k', 4).ok).toBe(true);
    run(1000);
    for (const n of [...nodes, ...jumpers]) expect(n.get('k')?.value).toBe(4);
  });

  it('two nodes restarted on hosts set off together, no majority of the members, do not vouch for each other\'s start (simulation seed 61113)', () => {
    let skew = 3 * MINUTES;
    const ids = ['a', 'b', 'c', 'x', 'y'];
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b', 'c'], { maxClockOffsetMs: 1000, requireClockConfirmation: true });
    run(1000);
    expect(nodes[0].setStrategy('lfu').ok).toBe(true);
    net.partition([['a', 'b', 'c'], ['x', 'y']]);
    const restarted = ['x', 'y'].map((id) => make(id, { members: ids.filter((m) => m !== id), now: () => EPOCH + sched.now + skew, monotonicNow: () => sched.now }));
    restarted.forEach((n) => net.add(n));
    run(2000);
    // Each agrees with the other's clock, but two of five members are no confirmation: before,
    // x acknowledged a strategy switch stamped 3 minutes ahead, which a, b and c refused for
    // good, so the cluster never agreed on the strategy again.
    for (const n of restarted) expect(n.setStrategy('lru')).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(restarted[0].problems().find((p) => p.code === 'clock-skew')?.message).toContain('no peer has confirmed');
    skew = 0;
    net.heal();
    run(5000);
    // Set right and confirmed by the members whose clocks are, they write again, and it holds.
    expect(restarted[0].setStrategy('lru').ok).toBe(true);
    run(2000);
    for (const n of [...nodes, ...restarted]) expect(n.cache.strategy).toBe('lru');
  });

  it('recovering from a clock fault, a node passes on what it alone holds of a node gone for good', () => {
    let skew = 0;
    const { nodes, run, make, net, sched } = memoryCluster(['b', 'c', 'v'], { maxClockOffsetMs: 1000 });
    const [b, c, v] = nodes;
    // a's clock is set forward without a jump it could notice (no separate monotonic clock).
    const a = make('a', { now: () => EPOCH + sched.now + skew });
    net.add(a);
    run(1000);
    skew = 5 * MINUTES;
    expect(a.set('ahead', 1).ok).toBe(true);
    run(1000);
    // Its peers refused its origin: from now on it may send no snapshot until it recovers.
    expect(b.has('ahead')).toBe(false);
    net.partition([['a', 'v'], ['b', 'c']]);
    run(1000);
    expect(v.set('held', 'only a has it').ok).toBe(true);
    run(1000);
    expect(a.get('held')?.value).toBe('only a has it');
    net.crash('v');
    run(2000);
    skew = 0;
    net.heal();
    run(10_000);
    expect(a.history(100).some((e) => e.type === 'state-replaced')).toBe(true);
    expect(a.has('ahead')).toBe(false);
    // Forgetting v's origin with the rest left 'held' here, claimed by no vector and sent nowhere.
    for (const n of [a, b, c]) expect(n.get('held')?.value).toBe('only a has it');
  });

  it('a node still replacing its state after a clock fault passes on the writes it acknowledged since, even when its backlog overflowed and no peer can refill it', () => {
    let skew = 0;
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b'], { maxClockOffsetMs: 1000 });
    const [a, b] = nodes;
    const z = make('z', { now: () => EPOCH + sched.now + skew, monotonicNow: () => sched.now, backlogSize: 2 });
    net.add(z);
    run(1000);
    // z's clock is set 5 minutes forward and back again; its heartbeats stamped its clock
    // ahead meanwhile, so it recovers under a new origin and waits for a peer to refill it.
    // Its peers' sync is off: none sends it anything.
    skew = 5 * MINUTES;
    run(1000);
    for (const n of [a, b]) n.setSyncEnabled(false);
    skew = 0;
    run(3000);
    expect(z.history(100).some((e) => e.type === 'state-replaced')).toBe(true);
    // Cut off, it acknowledges more writes than its backlog holds: only a snapshot can carry them.
    net.partition([['a', 'b'], ['z']]);
    run(100);
    const acked = ['w1', 'w2', 'w3', 'w4', 'w5'].filter((key) => z.set(key, `z:${key}`).ok);
    expect(acked).toHaveLength(5);
    // Then its clock goes 5 minutes back and stays there: it takes no peer's snapshot, so it
    // is never refilled (seed 1408 of the simulation).
    skew = -5 * MINUTES;
    run(100);
    for (const n of [a, b]) n.setSyncEnabled(true);
    net.heal();
    run(10_000);
    expect(z.set('late', 1)).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    for (const n of [a, b]) for (const key of acked) expect(n.get(key)?.value).toBe(`z:${key}`);
  });

  it('screens a snapshot: a clear watermark stamped too far ahead is not installed, so later writes are neither swallowed nor stamped into the future', () => {
    const { nodes, run, make, net } = memoryCluster(['h'], { maxClockOffsetMs: 1000 });
    // s restored a watermark written by a clock running 5 minutes fast (x, long gone).
    const source = make('s');
    source.restore(futureWatermarkSnapshot('s'), []);
    // n meets s first and asks it for its first snapshot.
    net.partition([['s', 'n'], ['h']]);
    net.add(source);
    const fresh = make('n');
    net.add(fresh);
    run(1000);
    expect(fresh.stats().fullSyncs).toBe(1);
    expect(fresh.history(100).some((e) => e.type === 'clock-skew' && e.peer === 'x')).toBe(true);
    net.heal();
    expect(fresh.set('mine', 'acknowledged').ok).toBe(true);
    expect(fresh.get('mine')?.value).toBe('acknowledged');
    // Stamped by an honest clock, so the honest peer takes it too.
    run(1000);
    expect(nodes[0].get('mine')?.value).toBe('acknowledged');
  });

  it('acknowledges a write only if it would take effect and be accepted: a future watermark restored from disk makes writes fail, not vanish', () => {
    const node = new ReplicaNode({ nodeId: 'a', cache: { capacity: 10 }, now: () => EPOCH });
    node.restore(futureWatermarkSnapshot('a'), []);
    expect(node.set('k', 'v')).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(node.has('k')).toBe(false);
    expect(node.stats().seq).toBe(0);
    expect(node.problems()).toEqual([expect.objectContaining({ code: 'clock-skew', message: expect.stringContaining('stamped') })]);
    void node.close();
  });
});
