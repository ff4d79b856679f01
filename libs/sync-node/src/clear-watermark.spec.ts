import type { EvictionReason } from '@meshcache/cache-core';
import type { Operation } from '@meshcache/sync-protocol';
import { CacheEntryStore } from './cache-entry-store.js';
import { RecentWrites } from './recent-writes.js';
import { ReplicaState } from './replica-state.js';

const NOW = 1_000_000;
const REMEMBERED = 64;

const op = (origin: string, seq: number, wall: number, o: Operation['op']): Operation => ({ origin, seq, hlc: { wall, logical: 0, node: origin }, op: o });

/** A node's state over a cache-core store remembering REMEMBERED writes, with every hook report kept. */
function node() {
  const reports: [string, EvictionReason][] = [];
  const store = new CacheEntryStore({
    capacity: 10_000,
    strategy: 'lru',
    now: () => NOW,
    recentWrites: REMEMBERED,
    onLocalRemoval: (key, record, kind) => state.markLocalRemoval(key, record, kind),
    onEvict: (key, _value, reason) => reports.push([key, reason]),
  });
  const state: ReplicaState = new ReplicaState(store, 'lru');
  return { state, store, reports };
}

/** Every entry and grave a snapshot of `state` would carry, by key. */
function exported(state: ReplicaState): string[] {
  const out: string[] = [];
  for (const piece of state.exportStream(7, () => true).pieces) {
    for (const e of piece.entries) out.push(`${e.key}=${JSON.stringify(e.value)}`);
    for (const t of piece.tombstones) out.push(`${t.key}†`);
  }
  return out.sort();
}

describe('clear: a watermark applied without a pass over the entries', () => {
  it('keeps the concurrent newer writes of a peer, drops the rest and reports no key', () => {
    const { state, store, reports } = node();
    for (let i = 1; i <= 1000; i++) state.applyOperation(op('b#1', i, i, { type: 'set', key: `k${i}`, value: i }), NOW - 10);
    state.applyOperation(op('c#1', 1, 2000, { type: 'set', key: 'late', value: 'kept' }), NOW - 10);
    state.applyOperation(op('c#1', 2, 2001, { type: 'set', key: 'ttl', value: 'kept too', ttlMs: NOW }), NOW - 10);
    state.applyOperation(op('c#1', 3, 2002, { type: 'set', key: 'k5', value: 'overwritten' }), NOW - 10);
    state.applyOperation(op('b#1', 1001, 1001, { type: 'delete', key: 'gone' }), NOW - 10);
    state.applyOperation(op('c#1', 4, 2003, { type: 'delete', key: 'dead' }), NOW - 10);
    reports.length = 0;

    expect(state.applyOperation(op('a#1', 1, 1500, { type: 'clear' }), NOW)).toBe('applied');

    expect(store.size()).toBe(3);
    expect(store.peek('k1')).toBeUndefined();
    expect(store.peek('late')?.value).toBe('kept');
    expect(store.peek('k5')?.value).toBe('overwritten');
    expect(store.peek('ttl')?.expiresAt).toBe(2001 + NOW);
    expect([...store.cache.keys()].sort()).toEqual(['k5', 'late', 'ttl']);
    expect(state.tombstoneStats().count).toBe(1);
    expect(exported(state)).toEqual(['dead†', 'k5="overwritten"', 'late="kept"', 'ttl="kept too"']);
    // No report per entry: the clear itself is the one event.
    expect(reports).toEqual([]);
    // A write at or below the watermark that arrives later loses; one above it is stored.
    expect(state.applyOperation(op('b#1', 1002, 1499, { type: 'set', key: 'k1', value: 'stale' }), NOW)).toBe('superseded');
    expect(state.applyOperation(op('b#1', 1003, 1501, { type: 'set', key: 'k2', value: 'new' }), NOW)).toBe('applied');
    expect(store.size()).toBe(4);
  });

  it('sweeps entry by entry, with the same result, when a forgotten write is newer than the clear', () => {
    const { state, store, reports } = node();
    state.applyOperation(op('c#1', 1, 3000, { type: 'set', key: 'early-but-newer', value: 'kept' }), NOW);
    for (let i = 1; i <= REMEMBERED; i++) state.applyOperation(op('b#1', i, i, { type: 'set', key: `k${i}`, value: i }), NOW);

    state.applyOperation(op('a#1', 1, 1500, { type: 'clear' }), NOW);

    // Applied, not yet swept: the entries are still in the cache, and gone for every read.
    expect(store.sweeping).toBe(true);
    expect(store.cache.size).toBe(REMEMBERED + 1);
    expect(store.peek('k1')).toBeUndefined();
    expect(store.keys()).toEqual(['early-but-newer']);
    expect(exported(state)).toEqual(['early-but-newer="kept"']);
    let steps = 0;
    for (const _ of store.sweepSteps(7)) steps++;
    expect(steps).toBeGreaterThanOrEqual(Math.floor(REMEMBERED / 7) - 1);
    expect(store.sweeping).toBe(false);
    expect([...store.cache.keys()]).toEqual(['early-but-newer']);
    expect(reports.length).toBe(REMEMBERED);
    expect(reports.every(([, reason]) => reason === 'delete')).toBe(true);
  });

  it('keeps no grave for a swept entry whose TTL runs out before the sweep reaches it', () => {
    let now = 1000;
    const store = new CacheEntryStore({
      capacity: 100,
      strategy: 'lru',
      now: () => now,
      recentWrites: 2,
      onLocalRemoval: (key, record, kind) => state.markLocalRemoval(key, record, kind),
    });
    const state: ReplicaState = new ReplicaState(store, 'lru');
    state.applyOperation(op('b#1', 1, 1000, { type: 'set', key: 'short', value: 1, ttlMs: 5 }), now);
    state.applyOperation(op('c#1', 1, 3000, { type: 'set', key: 'x', value: 1 }), now);
    state.applyOperation(op('c#1', 2, 3001, { type: 'set', key: 'y', value: 1 }), now);
    state.applyOperation(op('c#1', 3, 3002, { type: 'set', key: 'z', value: 1 }), now);
    state.applyOperation(op('a#1', 1, 1500, { type: 'clear' }), now);
    expect(store.sweeping).toBe(true);
    expect(store.cache.size).toBe(4);
    now += 10;
    for (const _ of store.sweepSteps(1));
    expect(state.tombstoneStats().count).toBe(0);
    expect(exported(state)).toEqual(['x=1', 'y=1', 'z=1']);
  });

  it('decides later clears from the recent writes again after one went entry by entry', () => {
    const { state, store, reports } = node();
    state.applyOperation(op('c#1', 1, 3000, { type: 'set', key: 'x', value: 1 }), NOW);
    for (let i = 1; i <= REMEMBERED; i++) state.applyOperation(op('b#1', i, i, { type: 'set', key: `k${i}`, value: i }), NOW);
    state.applyOperation(op('a#1', 1, 1500, { type: 'clear' }), NOW);
    expect(store.sweeping).toBe(true);
    for (let i = 1; i <= 2 * REMEMBERED; i++) state.applyOperation(op('b#1', 100 + i, 4000 + i, { type: 'set', key: `k${i}`, value: i }), NOW);
    state.applyOperation(op('a#1', 2, 5000, { type: 'clear' }), NOW);
    // Decided wholesale: the sweep under way has nothing left to do.
    expect(store.sweeping).toBe(false);
    expect(store.size()).toBe(0);
    // The swept entries went as the writes read their keys (reason `delete`), none with the wholesale clear.
    expect(reports.length).toBe(REMEMBERED);
  });

  it('a snapshot walking the entries when the clear comes sends the kept entry and none it dropped', () => {
    const { state } = node();
    for (let i = 0; i < 10; i++) state.applyOperation(op('b#1', i + 1, i + 1, { type: 'set', key: `k${i}`, value: i }), NOW);
    state.applyOperation(op('c#1', 1, 2000, { type: 'set', key: 'late', value: 'kept' }), NOW);
    const pieces = state.exportStream(2, () => true).pieces;
    const sent: string[] = [];
    const take = (piece: IteratorResult<{ entries: { key: string }[] }>) => {
      if (piece.done !== true) for (const e of piece.value.entries) sent.push(e.key);
    };
    take(pieces.next());
    const before = [...sent];
    state.applyOperation(op('a#1', 1, 1500, { type: 'clear' }), NOW);
    for (let piece = pieces.next(); piece.done !== true; piece = pieces.next()) take(piece);
    // What went out before the clear went out; after it, only the kept entry (moved to slot 0).
    expect(before.length).toBe(2);
    expect(sent.slice(2)).toEqual(['late']);
  });

  it('keeps a newer write whose TTL ran out as a grave, not as an entry', () => {
    let now = 100;
    const kept: string[] = [];
    const store = new CacheEntryStore({
      capacity: 100,
      strategy: 'lfu',
      now: () => now,
      onLocalRemoval: (key, record, kind) => state.markLocalRemoval(key, record, kind),
    });
    const state: ReplicaState = new ReplicaState(store, 'lfu');
    state.applyOperation(op('c#1', 1, 100, { type: 'set', key: 'short', value: 1, ttlMs: 5 }), now);
    state.applyOperation(op('c#1', 2, 101, { type: 'set', key: 'long', value: 2, ttlMs: 500 }), now);
    now = 200;
    state.applyOperation(op('a#1', 1, 50, { type: 'clear' }), now);
    for (const piece of state.exportStream(10, () => true).pieces) for (const e of piece.entries) kept.push(`${e.key}:${e.value === null ? 'expired' : 'live'}`);
    expect(kept.sort()).toEqual(['long:live', 'short:expired']);
    expect(state.applyOperation(op('b#1', 1, 99, { type: 'set', key: 'short', value: 'older' }), now)).toBe('superseded');
  });
});

describe('RecentWrites', () => {
  const hlc = (wall: number) => ({ wall, logical: 0, node: 'n' });

  it('names each remembered key newer than a stamp once', () => {
    const recent = new RecentWrites(4);
    recent.note('a', hlc(5));
    recent.note('b', hlc(1));
    recent.note('a', hlc(6));
    expect(recent.newerThan(hlc(2))).toEqual(['a']);
    expect(recent.newerThan(hlc(0))?.sort()).toEqual(['a', 'b']);
  });

  it('cannot tell once a forgotten write is newer, and can again after a reset', () => {
    const recent = new RecentWrites(2);
    recent.note('old-but-newest', hlc(9));
    recent.note('b', hlc(1));
    recent.note('c', hlc(2));
    expect(recent.newerThan(hlc(8))).toBeNull();
    expect(recent.newerThan(hlc(9))).toEqual([]);
    recent.reset();
    expect(recent.newerThan(hlc(0))).toEqual([]);
    expect(new RecentWrites(0).newerThan(hlc(0))).toEqual([]);
  });
});
