import { encodeCursor, keyRangeOfView, rangeCovers, setViewRequestSchema } from './index.js';

describe('key views', () => {
  it('covers the keys of a page: after the cursor, through the last key, under the prefix', () => {
    const range = keyRangeOfView({ prefix: 'k', cursor: encodeCursor('k10'), lastKey: 'k19' });
    expect(['k10', 'k11', 'k19', 'k2', 'j15', 'k190'].map((k) => rangeCovers(range, k))).toEqual([false, true, true, false, false, false]);
  });

  it('leaves the end of the last page open, so keys added after its last row count', () => {
    const range = keyRangeOfView(setViewRequestSchema.parse({ prefix: 'user:' }));
    expect(rangeCovers(range, 'user:zzz')).toBe(true);
    expect(rangeCovers(range, 'usex')).toBe(false);
  });

  it('widens rather than narrows on a cursor it cannot read', () => {
    expect(keyRangeOfView({ prefix: '', cursor: 'garbage', lastKey: null })).toEqual({ prefix: '', after: undefined, through: undefined });
  });

  it('rejects views that are not views', () => {
    expect(setViewRequestSchema.safeParse({ prefix: 5 }).success).toBe(false);
    expect(setViewRequestSchema.safeParse({ lastKey: 'x'.repeat(5000) }).success).toBe(false);
    expect(setViewRequestSchema.safeParse(null).success).toBe(false);
  });
});
