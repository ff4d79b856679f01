import fc from 'fast-check';
import { positions, sortByKey } from './slot-order.js';

/** The reference: Array.prototype.sort is stable (ES2019). */
const reference = (items: number[], keys: number[]): number[] =>
  items.map((item, i) => ({ item, key: keys[i] })).sort((a, b) => a.key - b.key).map((e) => e.item);

describe('sortByKey', () => {
  it('sorts by key ascending, stable, for keys spread over every byte', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.constantFrom(0, 255, 256, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), (keys) => {
        const items = positions(keys.length);
        const keyArray = Uint32Array.from(keys);
        const sorted = sortByKey(items, keyArray);
        expect(Array.from(sorted)).toEqual(reference(Array.from(items), keys));
        // The inputs are left as they were.
        expect(Array.from(items)).toEqual(Array.from(positions(keys.length)));
        expect(Array.from(keyArray)).toEqual(keys);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a copy when every key is equal (no pass runs)', () => {
    const items = Int32Array.from([5, 3, 9]);
    const sorted = sortByKey(items, Uint32Array.from([7, 7, 7]));
    expect(Array.from(sorted)).toEqual([5, 3, 9]);
    expect(sorted).not.toBe(items);
  });
});
