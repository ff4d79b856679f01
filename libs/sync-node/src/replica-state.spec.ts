import fc from 'fast-check';
import type { Operation } from '@meshcache/sync-protocol';
import { MapEntryStore } from './entry-store.js';
import { ReplicaState, type ReplicaStateExport } from './replica-state.js';

const NOW = 40;
const ORIGINS = ['a#1', 'b#1', 'c#2'];

/** Operations as nodes would issue them: unique HLCs, per-origin seq increasing with the HLC. */
const opsArb: fc.Arbitrary<Operation[]> = fc
  .array(
    fc.record({
      origin: fc.constantFrom(...ORIGINS),
      wall: fc.integer({ min: 0, max: 50 }),
      logical: fc.integer({ min: 0, max: 2 }),
      kind: fc.constantFrom('set', 'set', 'set', 'ttl', 'delete', 'delete', 'clear', 'strategy'),
      key: fc.constantFrom('a', 'b', '__proto__', 'constructor', ''),
      ttlMs: fc.integer({ min: 1, max: 20 }),
      strategy: fc.constantFrom('lru' as const, 'lfu' as const),
    }),
    { maxLength: 40 },
  )
  .map((raw) => {
    const unique = new Map(raw.map((r) => [`${r.wall}/${r.logical}/${r.origin}`, r]));
    const sorted = [...unique.values()].sort((x, y) => x.wall - y.wall || x.logical - y.logical);
    const seqs = new Map<string, number>();
    return sorted.map((r, i): Operation => {
      const seq = (seqs.get(r.origin) ?? 0) + 1;
      seqs.set(r.origin, seq);
      const hlc = { wall: r.wall, logical: r.logical, node: r.origin };
      const op: Operation['op'] =
        r.kind === 'set'
          ? { type: 'set', key: r.key, value: `v${i}` }
          : r.kind === 'ttl'
            ? { type: 'set', key: r.key, value: `v${i}`, ttlMs: r.ttlMs }
            : r.kind === 'delete'
              ? { type: 'delete', key: r.key }
              : r.kind === 'clear'
                ? { type: 'clear' }
                : { type: 'strategy', strategy: r.strategy };
      return { origin: r.origin, seq, hlc, op };
    });
  });

function stateOf(ops: Operation[], store = new MapEntryStore()): ReplicaState {
  const state = new ReplicaState(store, 'lru');
  for (const op of ops) state.applyOperation(op, NOW);
  return state;
}

/** A canonical, order-free rendering of everything replicated. */
function canonical(state: ReplicaState | ReplicaStateExport): string {
  const exported = state instanceof ReplicaState ? state.export() : state;
  const byKey = <T extends { key: string }>(list: T[]) => [...list].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return JSON.stringify({
    entries: byKey(exported.entries),
    tombstones: byKey(exported.tombstones),
    watermark: exported.watermark,
    strategy: exported.strategy,
  });
}

/** Fisher-Yates with fast-check's stream of numbers, so a failing order is reproduced from the seed. */
function shuffle<T>(items: T[], random: Iterator<number>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (random.next().value as number) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function merged(...parts: Operation[][]): ReplicaState {
  const [first, ...rest] = parts;
  const state = stateOf(first);
  for (const part of rest) state.merge(stateOf(part).export(), NOW);
  return state;
}

describe('merge rules (fast-check)', () => {
  it('are commutative: every delivery order gives the same state', () => {
    fc.assert(
      fc.property(opsArb, fc.infiniteStream(fc.nat()), (ops, random) => {
        const shuffled = shuffle(ops, random);
        expect(canonical(stateOf(shuffled))).toBe(canonical(stateOf(ops)));
      }),
      { numRuns: 300 },
    );
  });

  it('are idempotent: duplicated deliveries change nothing', () => {
    fc.assert(
      fc.property(opsArb, fc.array(fc.nat()), (ops, picks) => {
        const withDuplicates = [...ops];
        for (const p of picks) if (ops.length > 0) withDuplicates.splice(p % (withDuplicates.length + 1), 0, ops[p % ops.length]);
        expect(canonical(stateOf(withDuplicates))).toBe(canonical(stateOf(ops)));
        const state = stateOf(ops);
        state.merge(state.export(), NOW);
        expect(canonical(state)).toBe(canonical(stateOf(ops)));
      }),
      { numRuns: 300 },
    );
  });

  it('state merge is associative and commutative, and equals applying all operations', () => {
    fc.assert(
      fc.property(opsArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 40, maxLength: 40 }), (ops, groupOf) => {
        const groups: Operation[][] = [[], [], []];
        ops.forEach((op, i) => groups[groupOf[i]].push(op));
        const [a, b, c] = groups;
        const left = stateOf(a);
        left.merge(merged(b).export(), NOW);
        left.merge(merged(c).export(), NOW);
        const right = stateOf(a);
        right.merge(merged(b, c).export(), NOW);
        expect(canonical(left)).toBe(canonical(right));
        expect(canonical(merged(a, b))).toBe(canonical(merged(b, a)));
        expect(canonical(left)).toBe(canonical(stateOf(ops)));
      }),
      { numRuns: 300 },
    );
  });

  it('give the same state whether a clear is decided from the recent writes or entry by entry', () => {
    fc.assert(
      fc.property(opsArb, fc.infiniteStream(fc.nat()), (ops, random) => {
        const shuffled = shuffle(ops, random);
        // 0 remembered writes: every clear goes entry by entry; 1 and 3: some clears are decided
        // from the recent writes, others are not (an older write past them is newer).
        const entryByEntry = canonical(stateOf(shuffled, new MapEntryStore(0)));
        for (const remembered of [1, 3, 1000]) expect(canonical(stateOf(shuffled, new MapEntryStore(remembered)))).toBe(entryByEntry);
      }),
      { numRuns: 300 },
    );
  });

  it('never resurrects a deleted or cleared key with an older write', () => {
    const s = new ReplicaState(new MapEntryStore(), 'lru');
    const op = (seq: number, wall: number, o: Operation['op'], origin = 'a#1'): Operation => ({ origin, seq, hlc: { wall, logical: 0, node: origin }, op: o });
    s.applyOperation(op(2, 20, { type: 'delete', key: 'k' }), NOW);
    expect(s.applyOperation(op(1, 10, { type: 'set', key: 'k', value: 1 }, 'b#1'), NOW)).toBe('superseded');
    s.applyOperation(op(3, 30, { type: 'clear' }), NOW);
    expect(s.applyOperation(op(2, 25, { type: 'set', key: 'j', value: 1 }, 'b#1'), NOW)).toBe('superseded');
    expect(s.applyOperation(op(3, 31, { type: 'set', key: 'j', value: 2 }, 'b#1'), NOW)).toBe('applied');
    expect(s.store.peek('k')).toBeUndefined();
    expect(s.store.peek('j')?.value).toBe(2);
  });

  it('keeps an expired newer write winning over an older one that arrives later', () => {
    const s = new ReplicaState(new MapEntryStore(), 'lru');
    s.applyOperation({ origin: 'a#1', seq: 1, hlc: { wall: 10, logical: 0, node: 'a#1' }, op: { type: 'set', key: 'k', value: 'new', ttlMs: 5 } }, NOW);
    expect(s.applyOperation({ origin: 'b#1', seq: 1, hlc: { wall: 9, logical: 0, node: 'b#1' }, op: { type: 'set', key: 'k', value: 'old' } }, NOW)).toBe('superseded');
    expect(s.store.peek('k')).toBeUndefined();
  });
});
