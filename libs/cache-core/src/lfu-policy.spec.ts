import fc from 'fast-check';
import { Cache } from './index.js';

describe('LFU strategy: lowest access count goes, ties least recently used first', () => {
  const lfu = (capacity: number) => new Cache<string, number>({ capacity, strategy: 'lfu' });

  it('capacity 1: every new key replaces the one entry', () => {
    const c = lfu(1);
    c.set('x', 1);
    c.get('x');
    c.set('y', 2);
    expect([...c.keys()]).toEqual(['y']);
  });

  it('capacity 2: set x, y, z evicts x, the older of two keys used once (issue #13)', () => {
    const c = lfu(2);
    c.set('x', 1);
    c.set('y', 2);
    c.set('z', 3);
    expect(c.has('x')).toBe(false);
    expect([...c.keys()]).toEqual(['z', 'y']);
  });

  it('capacity 3: set a b c, read a a a b c, set d evicts b, the less recent of b and c (issue #13)', () => {
    const c = lfu(3);
    for (const k of ['a', 'b', 'c']) c.set(k, 0);
    for (const k of ['a', 'a', 'a', 'b', 'c']) c.get(k);
    c.set('d', 0);
    expect(c.has('b')).toBe(false);
    expect([...c.keys()]).toEqual(['a', 'c', 'd']);
  });

  it('keeps a key that was hot long ago: LFU does not age (tinylfu does)', () => {
    const c = lfu(10);
    c.set('old', 0);
    for (let i = 0; i < 50; i++) c.get('old');
    for (let i = 0; i < 10_000; i++) c.set(`once-${i}`, i);
    expect(c.has('old')).toBe(true);
  });

  it('evicts exactly the entry a scan over (count, last use) picks, at every capacity from 1 to 5', () => {
    const op = fc.record({ read: fc.boolean(), key: fc.integer({ min: 0, max: 7 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const c = new Cache<number, number>({ capacity, strategy: 'lfu' });
        const model = new Map<number, { count: number; used: number }>();
        ops.forEach(({ read, key }, time) => {
          const e = model.get(key);
          if (e !== undefined) {
            e.count++;
            e.used = time;
          } else if (!read) {
            if (model.size === capacity) {
              const [victim] = [...model].sort(([, a], [, b]) => a.count - b.count || a.used - b.used)[0];
              model.delete(victim);
            }
            model.set(key, { count: 1, used: time });
          }
          if (read) c.get(key);
          else c.set(key, time);
        });
        expect(new Set(c.keys())).toEqual(new Set(model.keys()));
      }),
      { numRuns: 300 },
    );
  });

  it('ranks by access count with recency as the tie-break when switched from LRU', () => {
    const c = new Cache<string, number>({ capacity: 4, strategy: 'lru' });
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, 0);
    c.get('a');
    c.get('a');
    c.get('c');
    c.setStrategy('lfu');
    expect([...c.keys()]).toEqual(['a', 'c', 'd', 'b']);
  });

  it('switched to LRU, orders by last use: the most recently read key is not the next victim', () => {
    const c = lfu(3);
    c.set('a', 0);
    c.set('b', 0);
    c.set('c', 0);
    c.get('a');
    c.get('a');
    c.get('b');
    c.setStrategy('lru');
    expect([...c.keys()]).toEqual(['b', 'a', 'c']);
    c.set('d', 0);
    expect(c.has('c')).toBe(false);
  });

  it('round-trips its order through dump and load', () => {
    const c = lfu(50);
    for (let i = 0; i < 300; i++) {
      const k = `k${(i * 7) % 60}`;
      if (c.get(k) === undefined) c.set(k, i);
    }
    const copy = Cache.load(c.dump(), { capacity: 50, strategy: 'lfu' });
    expect([...copy.keys()]).toEqual([...c.keys()]);
  });
});
