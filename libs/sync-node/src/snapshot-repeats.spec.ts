import { MAX_REPEAT_WAIT_PERIODS, SnapshotRepeats } from './snapshot-repeats.js';
import { EPOCH, memoryCluster } from './test/memory-cluster.js';

const MINUTES = 60_000;

describe('SnapshotRepeats', () => {
  const peer = { origin: 'r#1', standing: 'confirmed' };

  it('lets the first snapshot of a repair and its first repeat go at once, then doubles the wait up to the cap', () => {
    const repeats = new SnapshotRepeats();
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      expect(repeats.mayStart(now, peer).ok).toBe(true);
      const { nextWaitMs } = repeats.started(now, peer, 100);
      waits.push(nextWaitMs);
      if (nextWaitMs > 0) expect(repeats.mayStart(now + nextWaitMs - 1, peer).ok).toBe(false);
      now += nextWaitMs;
    }
    expect(waits).toEqual([0, 200, 400, 800, 1600, 1600, 1600, 1600].map((ms) => Math.min(ms, MAX_REPEAT_WAIT_PERIODS * 100)));
  });

  it('ends the repair when the peer needs no snapshot, restarted, or its clock standing changed', () => {
    const repeats = new SnapshotRepeats();
    repeats.started(0, peer, 100);
    repeats.started(0, peer, 100);
    expect(repeats.mayStart(1, peer)).toEqual({ ok: false, ended: false });
    expect(repeats.mayStart(1, { ...peer, standing: 'jumped' })).toEqual({ ok: true, ended: true });
    repeats.started(1, peer, 100);
    repeats.started(1, peer, 100);
    expect(repeats.mayStart(2, { ...peer, origin: 'r#2' })).toEqual({ ok: true, ended: true });
    repeats.started(2, peer, 100);
    expect(repeats.end()).toBe(false);
    expect(repeats.count).toBe(0);
  });
});

describe('a snapshot the peer cannot take', () => {
  it('is repeated less and less often, and both sides say so (simulation seed 61113: every 300 ms to the end of the run)', () => {
    const { run, make, net, sched } = memoryCluster([], { maxClockOffsetMs: 1000, backlogSize: 2 });
    // s wrote alone on a host 5 minutes ahead: its writes are past its backlog and stamped there.
    const s = make('s', { now: () => EPOCH + sched.now + 5 * MINUTES });
    net.add(s);
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) expect(s.set(key, key).ok).toBe(true);
    run(500);
    // r is new: only a snapshot brings it s's writes. With one peer, each clock is in doubt to the
    // other, so r drops state stamped ahead of it, and s, in doubt itself, cannot tell r is behind.
    const r = make('r');
    net.add(r);
    run(30_000);
    expect(r.has('k1')).toBe(false);
    const sent = s.history(1000).filter((e) => e.type === 'full-sync-sent' && e.peer === 'r');
    // Before: one every retransmission period or two (126 in these 30 s); now the repeats
    // wait 0.4, 0.8, 1.6 s, then 3.2 s each.
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.length).toBeLessThanOrEqual(14);
    expect(sent[0].message).toMatch(/^snapshot \d+ for one repair/);
    // Newest first: the last repeats came the longest wait apart.
    expect(sent[0].timestamp - sent[1].timestamp).toBeGreaterThanOrEqual(MAX_REPEAT_WAIT_PERIODS * 200);
    expect(s.problems().some((p) => p.code === 'repair-stalled' && p.peer === 'r')).toBe(true);
    expect(s.nodes().find((n) => n.id === 'r')?.problem?.code).toBe('repair-stalled');
    expect(r.history(1000).some((e) => e.type === 'rejected' && e.peer === 's' && e.message?.startsWith('snapshot not taken'))).toBe(true);
    // Gone, r is no repair in progress any more.
    net.crash('r');
    run(3000);
    expect(s.problems().some((p) => p.code === 'repair-stalled')).toBe(false);
  });

  it('is repeated less and less often when the peer only lacks our own writes past the backlog (simulation seed 20251127: the repair counted as done once the snapshot was sent)', () => {
    let skew = 0;
    const { run, make, net, sched } = memoryCluster([], { maxClockOffsetMs: 1000, backlogSize: 2 });
    // No monotonic clock to notice the jump: s keeps writing, stamped 5 minutes ahead.
    const s = make('s', { now: () => EPOCH + sched.now + skew });
    const r = make('r');
    [s, r].forEach((n) => net.add(n));
    run(1000);
    expect(s.set('k0', 0).ok).toBe(true);
    run(1000);
    expect(r.get('k0')?.value).toBe(0);
    net.partition([['s'], ['r']]);
    run(2000);
    skew = 5 * MINUTES;
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) expect(s.set(key, key).ok).toBe(true);
    net.heal();
    run(30_000);
    expect(r.has('k1')).toBe(false);
    const sent = s.history(1000).filter((e) => e.type === 'full-sync-sent' && e.peer === 'r');
    // Before: the repair counted as done once the snapshot was sent (not acknowledged), so every
    // one was the first of a new repair, one every retransmission period.
    expect(sent.length).toBeLessThanOrEqual(14);
    expect(sent[0].timestamp - sent[1].timestamp).toBeGreaterThanOrEqual(MAX_REPEAT_WAIT_PERIODS * 200);
    expect(s.problems().some((p) => p.code === 'repair-stalled' && p.peer === 'r')).toBe(true);
  });
});
