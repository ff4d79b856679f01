import { check, type CheckOptions } from './checker.js';
import type { CrashRecord, FinalRecord, LoggedWrite, OpRecord } from './history.js';

// Hand-made crashes: what the node's log kept and what a power cut removed, against what the
// node acknowledged. Each anomaly must be found, and allowed losses must not be called one.

const T = 1_700_000_000_000;
const options: CheckOptions = { clockToleranceMs: 50, clockSettleMs: 5000, convergence: { healedAt: T + 10_000, convergedAt: T + 11_000, boundMs: 10_000 }, powerLossBoundMs: 1000 };
let n = 0;
const set = (node: string, key: string, value: string, start: number): OpRecord => ({ kind: 'op', id: `op${++n}`, client: 0, node, type: 'set', key, value, start, end: start + 5, outcome: 'ok', status: 200, version: `${start + 1}.0.${node}#a` });
const del = (node: string, key: string, start: number): OpRecord => ({ kind: 'op', id: `op${++n}`, client: 0, node, type: 'delete', key, start, end: start + 5, outcome: 'ok', status: 200 });
const logged = (o: OpRecord): LoggedWrite => (o.type === 'set' ? { type: 'set', key: o.key, value: o.value, wall: o.start + 1 } : { type: 'delete', key: o.key, wall: o.start + 1 });
const crash = (mode: CrashRecord['mode'], at: number, kept: OpRecord[], cut: OpRecord[] = []): CrashRecord => ({
  kind: 'crash',
  id: 'f1',
  node: 'n1',
  mode,
  at,
  coverFrom: T,
  kept: kept.map(logged),
  cut: cut.map(logged),
  cutBytes: cut.length * 100,
  lastFsyncAt: at - 400,
  longestFsyncGapMs: 1000,
});
const final = (entries: Record<string, OpRecord>): FinalRecord[] =>
  ['n1', 'n2'].map((node) => ({ kind: 'final', node, at: T + 11_000, entries: Object.fromEntries(Object.entries(entries).map(([k, w]) => [k, { value: w.value as string, version: w.version as string }])) }));
const kinds = (h: Parameters<typeof check>[0], o = options) => check(h, o).anomalies.map((a) => a.kind);

describe('check: crashes (kill -9 and the emulated power cut)', () => {
  it('passes a kill -9 after which the log holds every acknowledged write, and counts what it checked', () => {
    const a = set('n1', 'k', 'a', T + 100);
    const d = del('n1', 'j', T + 200);
    const older = set('n1', 'old', 'o', T - 500); // before the newest snapshot: the snapshot holds it
    const other = set('n2', 'k2', 'b', T + 300); // another node's write: not this disk's job
    const result = check([older, a, d, other, crash('kill', T + 1000, [a, d]), ...final({ k: a, old: older, k2: other })], options);
    expect(result.anomalies).toEqual([]);
    expect(result.crashes).toEqual([expect.objectContaining({ id: 'f1', mode: 'kill', checked: 2, cut: 0, oldestCutMs: null, lostEverywhere: 0, sinceFsyncMs: 400 })]);
  });

  it('finds an acknowledged write that a kill -9 lost from the node\'s log, even when a peer kept it', () => {
    const a = set('n1', 'k', 'a', T + 100);
    const b = set('n1', 'k', 'b', T + 200);
    const result = check([a, b, crash('kill', T + 1000, [a]), ...final({ k: b })], options);
    expect(result.anomalies.map((x) => [x.kind, x.ops])).toEqual([['lost-on-disk', [b.id]]]);
  });

  it('lets a power cut take writes acknowledged within the bound, and counts the ones no node kept', () => {
    const a = set('n1', 'k', 'a', T + 100);
    const b = set('n1', 'k', 'b', T + 9500); // acknowledged 495 ms before the cut
    const c = set('n1', 'j', 'c', T + 9700); // 295 ms before; it never reached a peer either
    const d = del('n1', 'gone', T + 9800);
    const r = { ...set('n1', 'j', 'x', T + 12_000), type: 'read' as const, value: undefined, read: null, version: undefined };
    const result = check([a, b, c, d, crash('power', T + 10_000, [a], [b, c, d]), r, ...final({ k: b })], options);
    expect(result.anomalies).toEqual([]);
    expect(result.crashes[0]).toEqual(expect.objectContaining({ mode: 'power', checked: 4, cut: 3, oldestCutMs: 495, lostEverywhere: 1 }));
  });

  it('finds a write the power cut took although it was acknowledged longer ago than the bound', () => {
    const a = set('n1', 'k', 'a', T + 100);
    const b = set('n1', 'k', 'b', T + 8000); // 1995 ms before the cut, bound 1000
    expect(kinds([a, b, crash('power', T + 10_000, [a], [b]), ...final({ k: b })])).toEqual(['power-loss-beyond-bound']);
    // With APPEND_FSYNC=always (bound 0) the same cut of a 5 ms-old write is an anomaly too.
    const c = set('n1', 'j', 'c', T + 9990);
    expect(kinds([c, crash('power', T + 10_000, [], [c]), ...final({ j: c })], { ...options, powerLossBoundMs: 0 })).toEqual(['power-loss-beyond-bound']);
  });

  it('holds a cut write lost everywhere against the cluster when the cut was not allowed to take it', () => {
    const a = set('n1', 'k', 'a', T + 100);
    const b = set('n1', 'k', 'b', T + 8000);
    expect(kinds([a, b, crash('power', T + 10_000, [a], [b]), ...final({ k: a })]).sort()).toEqual(['lost-write', 'power-loss-beyond-bound']);
  });
});
