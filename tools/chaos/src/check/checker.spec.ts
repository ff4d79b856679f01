import { check, type CheckOptions } from './checker.js';
import type { FaultRecord, FinalRecord, HistoryRecord, OpRecord } from './history.js';

// Hand-made histories: each anomaly the checker names must be found in one, and the histories
// that keep every promise (including the ones that look suspicious) must pass.

const T = 1_700_000_000_000;
const options: CheckOptions = { clockToleranceMs: 50, clockSettleMs: 5000, convergence: { healedAt: T + 10_000, convergedAt: T + 11_000, boundMs: 10_000 } };
let n = 0;
const op = (o: Partial<OpRecord> & Pick<OpRecord, 'type' | 'node' | 'start' | 'outcome'>): OpRecord => ({ kind: 'op', id: `op${++n}`, client: 0, end: o.start + 5, ...o });
const set = (node: string, key: string, value: string, start: number, outcome: OpRecord['outcome'] = 'ok', status?: number) =>
  op({ type: 'set', node, key, value, start, outcome, status: status ?? (outcome === 'ok' ? 200 : undefined), version: outcome === 'ok' ? `${start + 1}.0.${node}#a` : undefined });
const del = (node: string, key: string, start: number, outcome: OpRecord['outcome'] = 'ok') => op({ type: 'delete', node, key, start, outcome, status: outcome === 'ok' ? 200 : undefined });
const read = (node: string, key: string, start: number, w?: OpRecord) => op({ type: 'read', node, key, start, outcome: 'ok', status: w ? 200 : 404, read: w?.value ?? null, readVersion: w?.version });
const final = (nodes: string[], entries: Record<string, OpRecord | { value: string; version: string }>): FinalRecord[] =>
  nodes.map((node) => ({ kind: 'final', node, at: T + 11_000, entries: Object.fromEntries(Object.entries(entries).map(([k, w]) => [k, { value: w.value as string, version: w.version as string }])) }));
const nodes = ['n1', 'n2', 'n3'];
const kinds = (h: HistoryRecord[], o = options) => check(h, o).anomalies.map((a) => a.kind);

describe('check', () => {
  it('passes a history that keeps every promise: concurrent writes settle on the greatest stamp, deletes explain absence', () => {
    const a = set('n1', 'k', 'a', T);
    const b = set('n2', 'k', 'b', T + 100);
    const c = set('n3', 'gone', 'c', T + 200);
    const d = del('n1', 'gone', T + 300);
    const r = read('n1', 'k', T + 400, b);
    const result = check([a, b, c, d, r, ...final(nodes, { k: b })], options);
    expect(result.anomalies).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.convergeMs).toBe(1000);
    expect(result.ops).toEqual({ ok: 5, failed: 0, unknown: 0 });
  });

  it('finds an acknowledged write that lost to an older one', () => {
    const a = set('n1', 'k', 'a', T);
    const b = set('n2', 'k', 'b', T + 100);
    expect(kinds([a, b, ...final(nodes, { k: a })])).toEqual(['lost-write']);
  });

  it('finds an acknowledged write that vanished with no delete or clear to explain it', () => {
    const a = set('n1', 'k', 'a', T);
    expect(kinds([a, ...final(nodes, {})])).toEqual(['lost-write']);
  });

  it('finds a lost bulk item (no version answered) by its time', () => {
    const a = set('n1', 'k', 'a', T);
    const bulk = op({ type: 'bulk', node: 'n2', start: T + 1000, outcome: 'ok', status: 200, items: [{ key: 'k', value: 'b' }] });
    expect(kinds([a, bulk, ...final(nodes, { k: a })])).toEqual(['lost-write']);
  });

  it('lets a delete whose outcome is unknown explain an absence, even a late one', () => {
    const a = set('n1', 'k', 'a', T + 1000);
    const d = del('n2', 'k', T, 'unknown');
    expect(kinds([a, d, ...final(nodes, {})])).toEqual([]);
  });

  it('does not let an acknowledged delete that ended before a write explain its absence', () => {
    const d = del('n2', 'k', T);
    const a = set('n1', 'k', 'a', T + 1000);
    expect(kinds([d, a, ...final(nodes, {})])).toEqual(['lost-write']);
  });

  it('lets a clear explain every key it could have removed', () => {
    const a = set('n1', 'k', 'a', T);
    const c = op({ type: 'clear', node: 'n3', start: T + 100, outcome: 'ok', status: 200 });
    expect(kinds([a, c, ...final(nodes, {})])).toEqual([]);
  });

  it('finds a resurrected delete', () => {
    const a = set('n1', 'k', 'a', T);
    const d = del('n2', 'k', T + 1000);
    expect(kinds([a, d, ...final(nodes, { k: a })])).toEqual(['resurrected-delete']);
  });

  it('finds a value that survived a clear acknowledged after it', () => {
    const a = set('n1', 'k', 'a', T);
    const c = op({ type: 'clear', node: 'n3', start: T + 1000, outcome: 'ok', status: 200 });
    expect(kinds([a, c, ...final(nodes, { k: a })])).toEqual(['resurrected-delete']);
  });

  it('accepts a write that beats a concurrent delete', () => {
    const d = del('n2', 'k', T);
    const a = set('n1', 'k', 'a', T + 2);
    expect(kinds([d, a, ...final(nodes, { k: a })])).toEqual([]);
  });

  it('finds a value nobody wrote, in the final state and in a read', () => {
    const a = set('n1', 'k', 'a', T);
    expect(kinds([a, ...final(nodes, { k: { value: 'zzz', version: `${T + 1}.0.n1#a` } })])).toContain('unwritten-value');
    const r = op({ type: 'read', node: 'n2', key: 'k', start: T + 50, outcome: 'ok', status: 200, read: 'bogus', readVersion: `${T}.0.n1#a` });
    expect(kinds([a, r, ...final(nodes, { k: a })])).toEqual(['unwritten-value']);
  });

  it('finds a known value under a version its write was not given', () => {
    const a = set('n1', 'k', 'a', T);
    expect(kinds([a, ...final(nodes, { k: { value: 'a', version: `${T + 1}.0.n2#b` } })])).toEqual(['unwritten-value']);
  });

  it('finds a refused write that took effect', () => {
    const a = set('n1', 'k', 'a', T, 'failed', 507);
    expect(kinds([a, ...final(nodes, { k: { value: 'a', version: `${T + 1}.0.n1#a` } })])).toEqual(['refused-write-applied']);
  });

  it('accepts a write whose outcome is unknown either way', () => {
    const a = set('n1', 'k', 'a', T, 'unknown');
    expect(kinds([a, ...final(nodes, {})])).toEqual([]);
    expect(kinds([a, ...final(nodes, { k: { value: 'a', version: `${T + 1}.0.n1#a` } })])).toEqual([]);
  });

  it('reports, without failing, an unknown write stamped after its client gave up', () => {
    const a = set('n1', 'k', 'a', T, 'unknown');
    const b = set('n2', 'k', 'b', T + 1000);
    const result = check([a, b, ...final(nodes, { k: { value: 'a', version: `${T + 3000}.0.n1#a` } })], options);
    expect(result.anomalies).toEqual([]);
    expect(result.findings.map((f) => f.kind)).toEqual(['applied-after-timeout']);
  });

  it('finds a write stamped after its deadline when the nodes promise deadlines', () => {
    const a = { ...set('n1', 'k', 'a', T, 'unknown'), deadline: T + 2000 };
    const b = set('n2', 'k', 'b', T + 1000);
    const late = final(nodes, { k: { value: 'a', version: `${T + 3000}.0.n1#a` } });
    expect(kinds([a, b, ...late], { ...options, deadlinesPromised: true })).toEqual(['applied-after-deadline']);
    // Applied before its deadline, it may win: last writer wins.
    expect(kinds([a, b, ...final(nodes, { k: { value: 'a', version: `${T + 1500}.0.n1#a` } })], { ...options, deadlinesPromised: true })).toEqual([]);
    expect(kinds([a, b, ...late], options)).toEqual([]);
  });

  it('finds a stale read on the node that acknowledged the write', () => {
    const a = set('n1', 'k', 'a', T);
    const b = set('n1', 'k', 'b', T + 100);
    const r = read('n1', 'k', T + 200, a);
    expect(kinds([a, b, r, ...final(nodes, { k: b })])).toEqual(['stale-read']);
    const missing = read('n1', 'k', T + 200);
    expect(kinds([a, b, missing, ...final(nodes, { k: b })])).toEqual(['stale-read', 'stale-read']);
  });

  it('allows a stale read on another node (no cross-node read-your-writes)', () => {
    const a = set('n1', 'k', 'a', T);
    const b = set('n1', 'k', 'b', T + 100);
    expect(kinds([a, b, read('n2', 'k', T + 200, a), read('n3', 'k', T + 200), ...final(nodes, { k: b })])).toEqual([]);
  });

  it('lets a delete made on another node explain a read that found nothing', () => {
    const a = set('n1', 'k', 'a', T);
    const d = del('n2', 'k', T + 50);
    expect(kinds([a, d, read('n1', 'k', T + 200), ...final(nodes, {})])).toEqual([]);
  });

  it('finds nodes that disagree after healing', () => {
    const a = set('n1', 'k', 'a', T);
    const b = set('n2', 'k', 'b', T + 100);
    const h = [a, b, ...final(['n1', 'n2'], { k: b }), ...final(['n3'], { k: a })];
    expect(kinds(h)).toEqual(expect.arrayContaining(['not-converged', 'lost-write']));
  });

  it('finds convergence that came too late or never', () => {
    expect(kinds([], { ...options, convergence: { healedAt: T, convergedAt: T + 20_000, boundMs: 10_000 } })).toEqual(['slow-convergence']);
    expect(kinds([], { ...options, convergence: { healedAt: T, convergedAt: null, boundMs: 10_000 } })).toEqual(['slow-convergence']);
  });

  it('does not hold a node to writes it acknowledged under a clock fault (documented: it may drop them)', () => {
    const fault = (phase: 'start' | 'end', at: number): FaultRecord => ({ kind: 'fault', id: 'f1', fault: 'clock-skew', group: 'clock', phase, at, targets: ['n1'], mechanism: 'faketime' });
    const a = set('n1', 'k', 'a', T + 1000);
    expect(kinds([fault('start', T), a, fault('end', T + 2000), ...final(nodes, {})])).toEqual([]);
    expect(kinds([a, ...final(nodes, {})])).toEqual(['lost-write']);
  });
});
