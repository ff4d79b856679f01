import type { PeerMessage, SnapshotEntry, Stamp, Tombstone } from '@meshcache/sync-protocol';
import { ReplicaNode } from './replica-node.js';
import { SeededScheduler } from './simulation/seeded-scheduler.js';
import { packState } from './snapshot-codec.js';
import { sealMac, sessionKey } from './handshake-proof.js';
import { ManualWire } from './test/manual-wire.js';
import { EPOCH } from './test/memory-cluster.js';

const SECRET = 'snapshot-admission-secret';
const MINUTES = 60_000;

/**
 * `target` dials `member` through a relay the test holds: every message is passed on (heartbeats
 * through `rewrite`), and the test can speak to `target` on the member's authenticated session,
 * as a member that knows the secret and sends what it should not. Knowing the secret, the relay
 * derives the session key from the handshake it passed on and seals what it sends `target`
 * itself (protocol v4), as the lying member would.
 */
function setup() {
  const sched = new SeededScheduler(11);
  const wire = new ManualWire();
  const make = (nodeId: string) =>
    new ReplicaNode({ nodeId, cache: { capacity: 100 }, clusterSecret: SECRET, now: () => EPOCH + sched.now, timers: sched.timersFor(nodeId), heartbeatMs: 100, maxClockOffsetMs: 1000 });
  const target = make('target');
  const member = make('member');
  const atTarget = wire.script(target, 'node-dials');
  const atMember = wire.script(member, 'script-dials');
  let toMember = 0;
  let toTarget = 0;
  const relay = { rewrite: (m: PeerMessage): PeerMessage => m };
  const seen: Partial<Record<'hello' | 'challenge' | 'prove' | 'welcome', Record<string, unknown>>> = {};
  let sealed = 0;
  const seal = (m: unknown) => {
    const { hello, challenge, prove, welcome } = seen as Record<string, Record<string, string & number>>;
    const transcript = { version: challenge.protocol, clientNonce: hello.nonce, serverNonce: challenge.nonce, client: { nodeId: prove.nodeId, origin: prove.origin } };
    const key = sessionKey(SECRET, transcript, { nodeId: welcome.nodeId, origin: welcome.origin });
    const n = ++sealed;
    const json = JSON.stringify(m);
    return { type: 'sealed', n, mac: sealMac(key, 's', n, json), m: json };
  };
  const note = (m: unknown) => {
    const type = (m as { type: string }).type;
    if (type === 'hello' || type === 'challenge' || type === 'prove' || type === 'welcome') seen[type] = m as Record<string, unknown>;
    return m;
  };
  const pump = () => {
    for (let round = 0; round < 1000; round++) {
      wire.drain();
      const moved = toMember < atTarget.raw.length || toTarget < atMember.raw.length;
      while (toMember < atTarget.raw.length) atMember.send(note(atTarget.raw[toMember++]));
      while (toTarget < atMember.raw.length) {
        const m = note(atMember.raw[toTarget]) as { type: string; m?: unknown };
        atTarget.send(m.type === 'sealed' ? seal(relay.rewrite(atMember.received[toTarget])) : m);
        toTarget++;
      }
      if (!moved) return;
    }
  };
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 50) {
      sched.runUntil(sched.now + 50);
      pump();
    }
  };
  /** Speaks to `target` as `member`. */
  const asMember = (...messages: unknown[]) => {
    for (const m of messages) atTarget.send(seal(m));
    pump();
  };
  const chunk = (snapshotId: string, part: { entries?: SnapshotEntry[]; tombstones?: Tombstone[]; watermark?: Stamp | null; strategy?: { strategy: 'lfu'; stamp: Stamp } | null; vv?: [string, number][] }) => ({
    type: 'snapshot-chunk',
    snapshotId,
    index: 0,
    last: true,
    ...packState(part.entries ?? [], part.tombstones ?? []),
    watermark: part.watermark ?? null,
    strategy: part.strategy ?? null,
    vv: part.vv ?? null,
  });
  const close = () => Promise.all([target.close(), member.close()]);
  return { sched, target, member, relay, run, asMember, chunk, close };
}

const stamp = (node: string, seq: number, wall: number) => ({ hlc: { wall, logical: 0, node }, seq });
const entry = (key: string, value: unknown, node: string, seq: number, wall: number): SnapshotEntry => ({ key, value, ...stamp(node, seq, wall) });
/** What a node holds, as a test compares it before and after. */
const holdings = (node: ReplicaNode) => ({
  entries: [...node.cache.entries()].map(([k, r]) => [k, r.value, r.hlc]),
  strategy: node.cache.strategy,
  vv: node.versionVectorPairs(),
});

describe('snapshots only when asked (issue 9 item 4)', () => {
  it('refuses a full snapshot the node did not ask for, and a chunk outside any request: nothing changes', async () => {
    const { sched, target, member, run, asMember, chunk, close } = setup();
    member.set('a', 1);
    target.set('kept', 1);
    run(1000);
    expect(target.get('a')?.value).toBe(1);
    expect(target.nodes().find((n) => n.id === 'member')?.state).toBe('up');
    const before = holdings(target);
    const now = EPOCH + sched.now;
    // The target lacks nothing the member reported: a full snapshot is not wanted.
    const forged = chunk('unasked', {
      entries: [entry('evil', 'x', member.origin, member.stats().seq + 1, now)],
      watermark: stamp(member.origin, member.stats().seq + 2, now),
      vv: [[member.origin, member.stats().seq + 2]],
    });
    asMember({ type: 'sync-start', mode: 'full', origin: member.origin, fromSeq: member.stats().seq + 1, snapshotId: 'unasked' }, forged);
    expect(target.history(20).some((e) => e.type === 'rejected' && e.message?.startsWith('unrequested snapshot'))).toBe(true);
    // A chunk with no request open, and one naming another snapshot than the one asked for.
    asMember(forged, { ...forged, snapshotId: 'other', index: 3 });
    run(500);
    expect(target.has('evil')).toBe(false);
    expect(holdings(target)).toEqual(before);
    await close();
  });

  it('screens a requested snapshot: entries, tombstones, clear watermark, strategy stamp and vector claims beyond maxClockOffsetMs are refused', async () => {
    const { sched, target, member, relay, run, asMember, chunk, close } = setup();
    target.set('kept', 1);
    run(1000);
    // The member reports holding writes of w#1, a node this target never met: it lacks them, so a full snapshot is wanted.
    relay.rewrite = (m) => (m.type === 'heartbeat' ? { ...m, vv: [...m.vv, ['w#1', 1]] } : m);
    run(500);
    const now = EPOCH + sched.now;
    const ahead = now + 5 * MINUTES;
    asMember(
      { type: 'sync-start', mode: 'full', origin: member.origin, fromSeq: 1, snapshotId: 'asked' },
      chunk('asked', {
        entries: [entry('fine', 'ok', 'w#1', 1, now), entry('future', 'x', 'f#1', 1, ahead)],
        // Each would remove 'kept' or change the strategy, were it applied once the clock caught up.
        tombstones: [{ key: 'kept', ...stamp('g#1', 1, ahead) }],
        watermark: stamp('h#1', 1, ahead),
        strategy: { strategy: 'lfu', stamp: stamp('s#1', 1, ahead) },
        vv: [['w#1', 1], ['f#1', 4], ['g#1', 4], ['h#1', 4], ['s#1', 4]],
      }),
    );
    expect(target.get('fine')?.value).toBe('ok');
    expect(target.has('future')).toBe(false);
    expect(target.get('kept')?.value).toBe(1);
    expect(target.cache.strategy).toBe('lru');
    // The vector claims only what was taken: claiming refused runs would make this node skip them
    // and tell its own peers it has them.
    expect(target.versionVectorPairs().filter(([origin, seq]) => origin !== target.origin && seq > 0)).toEqual([['w#1', 1]]);
    expect(target.history(50).filter((e) => e.type === 'clock-skew' && e.message?.includes('for good'))).toHaveLength(4);
    // Ten minutes later those stamps are in the past: still nothing of them is applied.
    run(10 * MINUTES);
    expect(target.has('future')).toBe(false);
    expect(target.get('kept')?.value).toBe(1);
    expect(target.cache.strategy).toBe('lru');
    await close();
  });
});
