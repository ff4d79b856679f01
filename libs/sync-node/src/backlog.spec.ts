import type { Operation } from '@meshcache/sync-protocol';
import { Backlog } from './backlog.js';

const op = (seq: number): Operation => ({ origin: 'a#1', seq, hlc: { wall: seq, logical: 0, node: 'a#1' }, op: { type: 'delete', key: `k${seq}` } });

describe('Backlog', () => {
  it('keeps the newest `capacity` operations and says whether a peer can be caught up from it', () => {
    const backlog = new Backlog(3);
    for (let seq = 1; seq <= 5; seq++) backlog.append(op(seq), 10);
    expect([backlog.firstSeq, backlog.lastSeq, backlog.size]).toEqual([3, 5, 3]);
    expect(backlog.reachesBack(2)).toBe(true); // a peer at seq 2 needs 3..5
    expect(backlog.reachesBack(1)).toBe(false); // seq 2 is gone
    expect(backlog.slice(3, 10).map((o) => o.seq)).toEqual([3, 4, 5]);
    expect(backlog.slice(2, 10)).toEqual([]);
    expect(backlog.slice(4, 1).map((o) => o.seq)).toEqual([4]);
  });

  it('cuts batches by approximate size but always returns at least one operation', () => {
    const backlog = new Backlog(10);
    for (let seq = 1; seq <= 5; seq++) backlog.append(op(seq), 1000);
    expect(backlog.slice(1, 10, 2500).map((o) => o.seq)).toEqual([1, 2]);
    expect(backlog.slice(1, 10, 10).map((o) => o.seq)).toEqual([1]);
  });

  it('also keeps its total size under maxBytes, dropping the oldest operations first but never the newest', () => {
    const backlog = new Backlog(1000, 2500);
    for (let seq = 1; seq <= 5; seq++) backlog.append(op(seq), 900); // 1000 bytes each with overhead
    expect([backlog.firstSeq, backlog.lastSeq, backlog.size, backlog.bytes]).toEqual([4, 5, 2, 2000]);
    expect(backlog.reachesBack(2)).toBe(false);
    backlog.append(op(6), 10_000_000); // larger than the whole budget: kept alone
    expect([backlog.firstSeq, backlog.lastSeq, backlog.bytes]).toEqual([6, 6, 10_000_100]);
  });

  it('gives back every kind of operation as it was appended, a set without a TTL without a ttlMs field', () => {
    const hlc = (wall: number, logical = 0, node = 'a#1') => ({ wall, logical, node });
    const ops: Operation[] = [
      { origin: 'a#1', seq: 1, hlc: hlc(5), op: { type: 'set', key: 'k', value: 'v' } },
      { origin: 'a#1', seq: 2, hlc: hlc(5, 1), op: { type: 'set', key: '__proto__', value: { nested: [1, null] }, ttlMs: 30_000 } },
      { origin: 'a#1', seq: 3, hlc: hlc(6, 0, 'a#2'), op: { type: 'delete', key: 'constructor' } },
      { origin: 'a#1', seq: 4, hlc: hlc(7), op: { type: 'clear' } },
      { origin: 'a#1', seq: 5, hlc: hlc(8, 3), op: { type: 'strategy', strategy: 'lfu' } },
      { origin: 'a#1', seq: 6, hlc: hlc(9), op: { type: 'set', key: '', value: null } },
    ];
    const backlog = new Backlog(4);
    for (const o of ops) backlog.append(o, 10);
    const kept = backlog.slice(3, 10);
    expect(kept).toEqual(ops.slice(2));
    expect(Object.keys(kept[3].op)).toEqual(['type', 'key', 'value']);
    expect(backlog.slice(1, 10)).toEqual([]);
    // Slots reused by newer operations hold nothing of the older ones.
    for (const o of ops) backlog.append({ ...o, seq: o.seq + 6 }, 10);
    expect(backlog.slice(9, 10)).toEqual(ops.slice(2).map((o) => ({ ...o, seq: o.seq + 6 })));
  });
});

