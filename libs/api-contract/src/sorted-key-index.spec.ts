import fc from 'fast-check';
import { selectKeyPage, SortedKeyIndex } from './index.js';

type Op = { op: 'add'; key: string } | { op: 'delete'; key: string } | { op: 'clear' } | { op: 'page'; prefix: string; after: string | undefined; limit: number };

const key = fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', 'c', '\u00e9', '\ud83d', 'Z', '\uffff') });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('add' as const), key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('page' as const), prefix: fc.string({ maxLength: 2, unit: fc.constantFrom('a', 'b', 'Z', '\uffff') }), after: fc.option(key, { nil: undefined }), limit: fc.integer({ min: 1, max: 8 }) }) },
);

describe('SortedKeyIndex', () => {
  it('agrees with a Set and selectKeyPage under any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const index = new SortedKeyIndex();
        const model = new Set<string>();
        for (const o of ops) {
          if (o.op === 'add') {
            index.add(o.key);
            model.add(o.key);
          } else if (o.op === 'delete') {
            expect(index.delete(o.key)).toBe(model.delete(o.key));
          } else if (o.op === 'clear') {
            index.clear();
            model.clear();
          } else if (o.op === 'page') {
            expect(index.page(o)).toEqual(selectKeyPage(model, o));
            expect(index.countPrefix(o.prefix)).toBe([...model].filter((k) => k.startsWith(o.prefix)).length);
          }
          expect(index.size).toBe(model.size);
        }
        expect([...index.keys()]).toEqual([...model].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('splits and merges chunks correctly with thousands of keys', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${(i * 7919) % 5000}`);
    const index = new SortedKeyIndex();
    keys.forEach((k) => index.add(k));
    const built = SortedKeyIndex.from(keys);
    expect([...index.keys()]).toEqual([...built.keys()]);
    for (let i = 0; i < 5000; i += 2) expect(index.delete(`k${i}`)).toBe(true);
    expect(index.size).toBe(2500);
    expect(index.has('k1')).toBe(true);
    expect(index.has('k2')).toBe(false);
    const page = index.page({ prefix: 'k49', limit: 3 });
    expect(page.keys).toEqual(['k49', 'k4901', 'k4903']);
    expect(index.page({ limit: 10_000 }).keys).toEqual([...index.keys()]);
    // Counts across chunk boundaries: odd keys k1..k4999 remain.
    for (const prefix of ['k', 'k1', 'k49', 'k4999', 'k5', 'x']) expect(index.countPrefix(prefix)).toBe([...index.keys()].filter((k) => k.startsWith(prefix)).length);
  });
});
