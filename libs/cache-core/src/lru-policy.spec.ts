import { Cache } from './index.js';

describe('LRU strategy', () => {
  it('evicts in least-recently-used order, reads and overwrites both count as use', () => {
    const c = new Cache<number, number>({ capacity: 3, strategy: 'lru' });
    c.set(1, 1);
    c.set(2, 2);
    c.set(3, 3);
    c.set(1, 10);
    c.get(2);
    c.set(4, 4);
    expect([...c.keys()]).toEqual([4, 2, 1]);
  });

  it('survives a cyclic scan over a full cache (tail promoted to head)', () => {
    const c = new Cache<number, number>({ capacity: 4, strategy: 'lru' });
    for (let i = 0; i < 4; i++) c.set(i, i);
    for (let round = 0; round < 3; round++) for (let i = 0; i < 4; i++) expect(c.get(i)).toBe(i);
    expect([...c.keys()]).toEqual([3, 2, 1, 0]);
  });

  it('counts accesses as uint32 (kept in int32 bits beside the links): past 2^31, wrapping at 2^32', () => {
    const counts = [0x7fffffff, 0x80000000, 0xffffffff].map((accessCount) => {
      const c = Cache.load([{ key: 'a', value: 1, accessCount }], { capacity: 4, strategy: 'lru' });
      c.get('a');
      return c.peekEntry('a')?.accessCount;
    });
    expect(counts).toEqual([0x80000000, 0x80000001, 0]);
  });
});
