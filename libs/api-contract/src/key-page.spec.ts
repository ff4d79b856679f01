import fc from 'fast-check';
import { decodeCursor, encodeCursor, selectKeyPage } from './index.js';

const referencePage = (keys: string[], prefix: string, after: string | undefined, limit: number) =>
  [...new Set(keys)]
    .filter((k) => k.startsWith(prefix) && (after === undefined || k > after))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit);

describe('selectKeyPage', () => {
  it('matches a sort-and-slice reference for any key set, prefix, cursor and limit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 60 }),
        fc.string({ maxLength: 2 }),
        fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
        fc.integer({ min: 1, max: 10 }),
        (keys, prefix, after, limit) => {
          const page = selectKeyPage(keys, { prefix, after, limit });
          const expected = referencePage(keys, prefix, after, limit);
          expect(page.keys).toEqual(expected);
          const hasMore = referencePage(keys, prefix, after, limit + 1).length > limit;
          expect(page.nextCursor).toBe(hasMore ? encodeCursor(expected[expected.length - 1]) : null);
        },
      ),
    );
  });

  it('walks every key exactly once by following cursors, including __proto__ and the empty key', () => {
    const keys = ['', '__proto__', 'constructor', 'b', 'a', 'ab', 'aa'];
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = selectKeyPage(keys, { after, limit: 3 });
      seen.push(...page.keys);
      if (!page.nextCursor) break;
      after = decodeCursor(page.nextCursor);
    }
    expect(seen).toEqual([...keys].sort());
  });

  it('rejects cursors it did not issue', () => {
    expect(decodeCursor('garbage')).toBeUndefined();
    expect(decodeCursor(encodeCursor(''))).toBe('');
  });
});
