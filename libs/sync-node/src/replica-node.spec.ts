import type { Operation } from '@meshcache/sync-protocol';
import { ReplicaNode } from './replica-node.js';
import { SyncError } from './sync-error.js';
import { EPOCH, memoryCluster } from './test/memory-cluster.js';
import { rawCache } from './test/raw-cache.js';

describe('ReplicaNode', () => {
  it('answers reads with value, update time, access count and absolute expiry', () => {
    const { nodes, run } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    a.set('k', 'v', { ttlMs: 5000 });
    expect(a.get('k')).toEqual({ value: 'v', updatedAt: EPOCH, accessCount: 2, expiresAt: EPOCH + 5000, hlc: { wall: EPOCH, logical: 0, node: a.origin } });
    run(50);
    // The expiry is computed from the write's timestamp, so it is the same on every node.
    expect(b.peek('k')?.expiresAt).toBe(EPOCH + 5000);
    run(5000);
    expect(a.get('k')).toBeUndefined();
    expect(b.get('k')).toBeUndefined();
  });

  it('refuses invalid writes with a code instead of replicating them', () => {
    const node = new ReplicaNode({ nodeId: 'n', cache: { capacity: 10, strategy: 'lru', maxBytes: 10, sizeOf: (v) => String(v).length } });
    expect(node.set('k', undefined)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(node.set('k', NaN)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(node.set('k', 10n)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(node.set('k', { big: 10n })).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    // Stored as peers will receive it: undefined members vanish, NaN becomes null.
    const plain = new ReplicaNode({ nodeId: 'p', cache: { capacity: 10, strategy: 'lru' } });
    expect(plain.set('j', { a: undefined, b: NaN, c: [1] })).toEqual({ ok: true, hlc: plain.peek('j')?.hlc, seq: 1 });
    expect(plain.peek('j')?.value).toEqual({ b: null, c: [1] });
    void plain.close();
    expect(node.set('k', 1, { ttlMs: -5 })).toMatchObject({ ok: false, code: 'INVALID_TTL' });
    expect(node.set('k', 'x'.repeat(11))).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(node.stats().seq).toBe(0);
    expect(() => new ReplicaNode({ nodeId: 'has#hash', cache: { capacity: 1, strategy: 'lru' } })).toThrow(SyncError);
    expect(() => new ReplicaNode({ nodeId: 'n', cache: { capacity: 0, strategy: 'lru' } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    void node.close();
  });

  it('journals each operation before applying it: a refused one is neither applied nor replicated, and peers resend theirs', () => {
    const { nodes, run } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    const logged: Operation[] = [];
    let diskFull = false;
    const journal = (op: Operation) => {
      if (diskFull) return { ok: false as const, message: 'no space left on device' };
      logged.push(op);
      return { ok: true as const };
    };
    a.setJournal(journal);
    b.setJournal(journal);
    const first = a.set('k', 1);
    expect(first).toMatchObject({ ok: true, hlc: a.peek('k')?.hlc });
    run(200);
    expect(b.peek('k')?.value).toBe(1);
    expect(logged.map((op) => [op.origin, op.seq])).toEqual([[a.origin, 1], [a.origin, 1]]);

    diskFull = true;
    expect(a.set('k', 2)).toEqual({ ok: false, code: 'NOT_LOGGED', message: 'no space left on device' });
    expect(a.delete('k')).toMatchObject({ ok: false, code: 'NOT_LOGGED' });
    expect(a.clear()).toMatchObject({ ok: false, code: 'NOT_LOGGED' });
    expect(a.peek('k')?.value).toBe(1);
    expect(a.stats().seq).toBe(1);
    // b's own write reaches a, which cannot log it: not applied, not acknowledged.
    b.setJournal(undefined);
    b.set('from-b', 'x');
    run(500);
    expect(a.peek('from-b')).toBeUndefined();
    expect(b.peek('k')?.value).toBe(1);

    diskFull = false;
    run(2000);
    expect(a.peek('from-b')?.value).toBe('x');
    expect(a.set('k', 3)).toMatchObject({ ok: true });
    expect(a.stats().seq).toBe(2);
    run(200);
    expect(b.peek('k')?.value).toBe(3);
  });

  it('a peer whose journal refuses our stream (full disk) is resent it ever more rarely, and at once when it says its journal is back', () => {
    const { nodes, run } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    let diskFull = false;
    a.setJournal(() => (diskFull ? { ok: false as const, message: 'no space left on device' } : { ok: true as const }));
    b.set('k', 0);
    run(500);
    expect(a.peek('k')?.value).toBe(0);
    const partialsBefore = (b.stats().repairs?.partial.count ?? 0);
    diskFull = true;
    // 30 s of steady writes on b while a cannot log them.
    for (let i = 1; i <= 300; i++) {
      b.set('k', i);
      run(100);
    }
    expect(a.peek('k')?.value).toBe(0);
    // Each resync request brought the stream again only to be refused again: without the back-off
    // there was one every half retransmit period (about 150 here, with heartbeats of 100 ms);
    // with it, the gaps double up to 30 retransmit periods (6 s here): 9.
    const partialsWhileFull = (b.stats().repairs?.partial.count ?? 0) - partialsBefore;
    expect(partialsWhileFull).toBeGreaterThan(0);
    expect(partialsWhileFull).toBeLessThanOrEqual(12);
    diskFull = false;
    a.journalResumed();
    // b keeps writing (its acks keep coming, so nothing of b's own times out): only a's request
    // brings the refused part of the stream back before the next probe, seconds away.
    for (let i = 301; i <= 303; i++) {
      b.set('k', i);
      run(100);
    }
    expect(a.peek('k')?.value).toBe(303);
  });

  it('waitForAcks resolves once enough peers applied a write, or at the timeout with the count reached', async () => {
    const { nodes, run, net } = memoryCluster(['a', 'b', 'c']);
    const [a] = nodes;
    run(500);
    const first = a.set('k', 1);
    if (!first.ok) throw new TypeError(first.message);
    const both = a.waitForAcks(first.seq, 2, 5000);
    run(300);
    expect(await both).toBe(2);
    net.partition([['a'], ['b', 'c']]);
    const second = a.set('k', 2);
    if (!second.ok) throw new TypeError(second.message);
    let reached: number | undefined;
    void a.waitForAcks(second.seq, 1, 1000).then((n) => (reached = n));
    run(900);
    await Promise.resolve();
    expect(reached).toBeUndefined();
    run(200);
    await Promise.resolve();
    expect(reached).toBe(0);
    expect(await a.waitForAcks(first.seq, 2, 0)).toBe(2);
  });

  it('snapshotInBatches plus the operations journaled since restores the same state, whatever changed while it was read', () => {
    const { nodes } = memoryCluster(['a']);
    const [a] = nodes;
    for (let i = 0; i < 50; i++) a.set(`k${i}`, i);
    a.delete('k3');
    const { head, entries } = a.snapshotInBatches(7);
    const journaled: Operation[] = [];
    a.setJournal((op) => {
      journaled.push(JSON.parse(JSON.stringify(op)) as Operation);
      return { ok: true };
    });
    let batch = 0;
    const collected = [];
    for (const part of entries) {
      collected.push(...part);
      // Writes between batches: some keys already read, some not yet.
      if (batch === 1) {
        a.set('k1', 'changed-after-read');
        a.set('k40', 'changed-before-read');
        a.delete('k45');
        a.set('new', true);
      }
      batch++;
    }
    expect(collected.find((e) => e.key === 'k40')?.value).toBe('changed-before-read');
    expect(collected.some((e) => e.key === 'k45')).toBe(false);
    const restored = new ReplicaNode({ nodeId: 'a', cache: { capacity: 1000, strategy: 'lru' } });
    restored.restore(JSON.parse(JSON.stringify({ ...head, entries: collected })), journaled);
    const view = (n: ReplicaNode) => [...n.cache.keys()].sort().map((k) => [k, n.peek(k)?.value]);
    expect(view(restored)).toEqual(view(a));
    expect(restored.peek('k1')?.value).toBe('changed-after-read');
    expect(restored.peek('k3')).toBeUndefined();
    void restored.close();
  });

  it('snapshotInBatches misses no key when a strategy switch moves the entries while it is read', () => {
    const { nodes } = memoryCluster(['a']);
    const [a] = nodes;
    for (let i = 0; i < 60; i++) a.set(`k${i}`, i);
    for (let i = 59; i >= 0; i -= 2) a.get(`k${i}`); // a recency order unlike the slot order
    const { head, entries } = a.snapshotInBatches(5);
    const journaled: Operation[] = [];
    a.setJournal((op) => {
      journaled.push(JSON.parse(JSON.stringify(op)) as Operation);
      return { ok: true };
    });
    const collected = [];
    let batch = 0;
    for (const part of entries) {
      collected.push(...part);
      if (batch++ === 2) a.setStrategy('lfu');
    }
    const keys = new Set(collected.map((e) => e.key));
    for (let i = 0; i < 60; i++) expect(keys.has(`k${i}`)).toBe(true);
    const restored = new ReplicaNode({ nodeId: 'a', cache: { capacity: 1000, strategy: 'lru' } });
    restored.restore(JSON.parse(JSON.stringify({ ...head, entries: collected })), journaled);
    expect(restored.cache.size).toBe(60);
    void restored.close();
  });

  it('resolves concurrent writes to one key the same way on every node (last writer wins by HLC)', () => {
    const { nodes, run, net } = memoryCluster(['a', 'b', 'c']);
    run(50);
    net.partition([['a'], ['b'], ['c']]);
    nodes[0].set('k', 'from-a');
    run(3);
    nodes[2].set('k', 'from-c');
    nodes[1].delete('k');
    net.heal();
    run(3000);
    // b's delete is the newest write (same millisecond as c's set, later logical counter or id order).
    const values = nodes.map((n) => n.peek('k')?.value);
    expect(new Set(values).size).toBe(1);
  });

  it('keeps writes made while sync is off local, and sends them when it is turned back on', () => {
    const { nodes, run } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    run(50);
    a.setSyncEnabled(false);
    a.set('offline', 1);
    b.set('online', 2);
    run(500);
    expect(b.has('offline')).toBe(false);
    expect(a.has('online')).toBe(true); // incoming replication continues while off
    expect(a.stats().lag).toBe(1);
    a.setSyncEnabled(true);
    run(50);
    expect(b.get('offline')?.value).toBe(1);
    expect(a.history(3).map((e) => e.type)).toContain('sync-enabled');
    expect(a.history().some((e) => e.type === 'sync-disabled')).toBe(true);
  });

  it('sends a snapshot on re-enable when more writes waited than the backlog holds', () => {
    const { nodes, run } = memoryCluster(['a', 'b'], { backlogSize: 5 });
    const [a, b] = nodes;
    run(50);
    a.setSyncEnabled(false);
    for (let i = 0; i < 20; i++) a.set(`k${i}`, i);
    run(200);
    expect(b.cache.size).toBe(0);
    a.setSyncEnabled(true);
    run(200);
    expect(b.cache.size).toBe(20);
    expect(a.stats().snapshotsSent).toBe(1);
    expect(b.stats().fullSyncs).toBe(1);
  });

  it('does not bring back a key evicted locally: not by a reconnect, not by anti-entropy', async () => {
    const { nodes, run, net, settle } = memoryCluster(['a', 'b'], { downAfterMs: 500 }, 3);
    const [big, small] = nodes;
    run(50);
    big.set('x', 1);
    run(50);
    expect(small.has('x')).toBe(true);
    rawCache(small).resize(1);
    big.set('y', 2);
    run(50);
    expect(small.has('x')).toBe(false); // evicted by y
    const partials = small.stats().partialSyncs;
    net.partition([['a'], ['b']]);
    run(1500);
    net.heal();
    run(1000);
    expect(small.stats().partialSyncs).toBeGreaterThan(partials);
    await settle(small.forceSync());
    await settle(big.forceSync());
    expect(small.has('x')).toBe(false);
    expect(small.get('y')?.value).toBe(2);
    expect(big.get('x')?.value).toBe(1);
  });

  it('forceSync repairs a key one node never received and leaves locally evicted keys out', async () => {
    const { nodes, run, settle } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    run(50);
    a.set('shared', 1);
    run(50);
    // b holds a write no stream will ever deliver to a (its origin never connected).
    const hlc = { wall: EPOCH + 10, logical: 0, node: 'ghost#1' };
    rawCache(b).set('orphan', { value: 'o', hlc, seq: 1, expiresAt: undefined });
    // a dropped a key it had applied, as an eviction would.
    rawCache(a).delete('shared');
    const result = await settle(a.forceSync());
    expect(result).toMatchObject({ peers: 1, repairedKeys: 1 });
    expect(result.differingBuckets).toBeGreaterThanOrEqual(1);
    expect(a.get('orphan')?.value).toBe('o');
    expect(a.has('shared')).toBe(false);
    expect(a.history(1)[0]).toMatchObject({ type: 'force-sync', count: 1 });
  });

  it('forceSync takes none of the writes a node made while its sync is off (they reach peers when it is turned back on)', async () => {
    const { nodes, run, settle } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    run(50);
    b.setSyncEnabled(false);
    b.set('hidden', 1);
    b.set('gone', 2);
    b.delete('gone');
    a.set('mine', 3);
    run(50);
    // A repair that carried them would leave a holding state no version vector claims: if b then
    // vanished, no stream or snapshot would ever bring it to the other nodes.
    await settle(a.forceSync());
    expect(a.has('hidden')).toBe(false);
    expect(a.versionVectorPairs().find(([origin]) => origin === b.origin)?.[1] ?? 0).toBe(0);
    expect(b.get('mine')?.value).toBe(3);
    b.setSyncEnabled(true);
    run(200);
    expect(a.get('hidden')?.value).toBe(1);
    expect(a.has('gone')).toBe(false);
  });

  it('restores from snapshot + op log under a new incarnation and resumes without losing writes', () => {
    const { nodes, run, make, net, sched } = memoryCluster(['a', 'b']);
    const [a, b] = nodes;
    const log: Operation[] = [];
    a.on('op', (op) => log.push(JSON.parse(JSON.stringify(op))));
    a.set('k1', 1);
    run(50);
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    log.length = 0;
    a.set('k2', 2);
    b.set('k3', 3);
    run(50);
    // a crashes before its last write reached anyone.
    net.partition([['a'], ['b']]);
    a.set('k4', 4);
    sched.cancelOwner('a');
    net.crash('a');
    net.heal();
    run(5);
    const again = make('a', { timers: sched.timersFor('a2') });
    expect(() => again.restore({ ...snap, nodeId: 'other' }, [])).toThrow(expect.objectContaining({ code: 'INVALID_SNAPSHOT' }));
    const restored = again.restore(snap, [...log, { garbage: true } as unknown as Operation]);
    expect(restored).toEqual({ applied: log.length, skipped: 1 });
    expect(again.origin).not.toBe(a.origin);
    expect([1, 2, 3, 4].map((i) => again.peek(`k${i}`)?.value)).toEqual([1, 2, 3, 4]);
    net.add(again);
    run(2000);
    expect(b.get('k4')?.value).toBe(4);
    again.set('k5', 5);
    run(100);
    expect(b.get('k5')?.value).toBe(5);
    expect(() => again.restore(undefined, [])).toThrow(expect.objectContaining({ code: 'RESTORE_AFTER_START' }));
  });

  it('sums batch traffic per peer and interval in the history, so state changes stay, newest first, with unique ids', () => {
    const { nodes, run } = memoryCluster(['a', 'b']);
    for (let i = 0; i < 150; i++) {
      nodes[0].set(`k${i}`, i);
      run(1);
    }
    run(50);
    const history = nodes[0].history(1000);
    expect(history.map((e) => e.type)).toEqual(['ops-sent', 'partial-sync', 'peer-up']);
    expect(history[0]).toMatchObject({ peer: 'b', count: 150 });
    expect(new Set(history.map((e) => e.id)).size).toBe(3);
    expect(history[0].timestamp).toBeGreaterThanOrEqual(history[2].timestamp);
    expect(nodes[1].history(1000).filter((e) => e.type === 'ops-received').reduce((sum, e) => sum + (e.count ?? 0), 0)).toBe(150);
    expect(nodes[0].history(1)).toHaveLength(1);
  });

  it('reports peers as suspect when silent and down when the link is gone', () => {
    const { nodes, run, net } = memoryCluster(['a', 'b'], { suspectAfterMs: 300, downAfterMs: 1000 });
    const seen: string[] = [];
    nodes[0].on('nodes', (list) => seen.push(list.map((p) => `${p.id}:${p.state}`).join()));
    run(100);
    expect(nodes[0].nodes()).toEqual([expect.objectContaining({ id: 'b', state: 'up', strategy: 'lru', capacity: 1000, lag: 0 })]);
    net.partition([['a'], ['b']]);
    run(600);
    expect(nodes[0].nodes()[0].state).toBe('suspect');
    run(1000);
    expect(nodes[0].nodes()[0].state).toBe('down');
    expect(seen).toContain('b:suspect');
  });

  it('says a peer that was linked is unreachable as soon as it is down, whichever side dialed, for as long as it is, and no more once it is back', () => {
    const { nodes, run, net } = memoryCluster(['a', 'b'], { suspectAfterMs: 300, downAfterMs: 1000 });
    const [a, b] = nodes;
    run(100);
    expect(a.problems()).toEqual([]);
    // A stopped peer: its socket stays open, so no dial fails; only the silence tells.
    net.partition([['a'], ['b']]);
    run(600);
    expect(a.nodes()[0].state).toBe('suspect');
    expect(a.problems()).toEqual([]);
    run(1500);
    expect(a.nodes()[0].state).toBe('down');
    expect(a.problems()).toEqual([expect.objectContaining({ code: 'peer-unreachable', message: expect.stringMatching(/^peer b is down: nothing heard from it since /) })]);
    expect(b.problems()).toEqual([expect.objectContaining({ code: 'peer-unreachable', message: expect.stringMatching(/^peer a is down/) })]);
    expect(a.nodes()[0].problem).toMatchObject({ code: 'peer-unreachable' });
    // Still down long after a stale problem would have been cleared (3 x downAfterMs).
    run(10_000);
    expect(a.problems()).toHaveLength(1);
    net.heal();
    run(3000);
    expect(a.nodes()[0].state).toBe('up');
    expect([a.problems(), b.problems()]).toEqual([[], []]);
  });

  it('says how far behind each peer is, also while it is down, and how far a snapshot to it got', () => {
    const { nodes, run, net, sched } = memoryCluster(['a', 'b', 'c'], { downAfterMs: 500, backlogSize: 5, snapshotChunkEntries: 10 });
    const [a, b] = nodes;
    run(100);
    net.partition([['a', 'b'], ['c']]);
    run(1000);
    for (let i = 0; i < 50; i++) b.set(`k${i}`, i);
    run(200);
    const c = () => a.nodes().find((p) => p.id === 'c');
    // None of these writes are a's own: a's lag for c stays 0, yet c misses all 50.
    expect(c()).toMatchObject({ state: 'down', lag: 0, behind: 50 });
    net.heal();
    // c holds no other node's write: it asks one peer for a snapshot, and b's writes (50, more
    // than a backlog of 5 holds) come in it, 10 entries per chunk, from whichever peer it asked.
    const progress: { sent: number; total: number }[] = [];
    const snapshotTo = () => [a, b].map((n) => n.nodes().find((p) => p.id === 'c')?.snapshot).find((s) => s !== undefined);
    // One task at a time, so the progress between two chunks can be seen.
    const deadline = sched.now + 3000;
    while (sched.now < deadline && c()?.behind !== 0) {
      const snapshot = snapshotTo();
      if (snapshot && progress.at(-1)?.sent !== snapshot.sent) progress.push(snapshot);
      sched.runUntil(deadline, 1);
    }
    expect(c()?.behind).toBe(0);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.total === 50 && p.sent < 50)).toBe(true);
    expect(snapshotTo()).toBeUndefined();
  });
});
