import { Cache } from './index.js';

// `get` buffers read hits and hands them to the policy before anything else uses it
// (cache.ts `drainReads`). These cases put buffered reads right before each kind of operation
// that reads or changes the policy; cache.model.spec.ts checks random sequences.
describe.each(['lru', 'lfu', 'tinylfu'] as const)('buffered reads (%s)', (strategy) => {
  const filled = () => {
    const cache = new Cache<string, number>({ capacity: 3, strategy });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    return cache;
  };

  it('a run of reads longer than the buffer counts every read', () => {
    const cache = filled();
    for (let i = 0; i < 150; i++) cache.get(i % 3 === 2 ? 'b' : 'a');
    expect(cache.peekEntry('a')?.accessCount).toBe(101);
    expect(cache.peekEntry('b')?.accessCount).toBe(51);
    expect(cache.peekEntry('c')?.accessCount).toBe(1);
  });

  it('a write after reads evicts the entry the reads left least valuable', () => {
    const cache = filled();
    for (let i = 0; i < 70; i++) cache.get(i % 2 === 0 ? 'a' : 'b');
    cache.set('d', 4);
    expect(cache.has('c')).toBe(false);
    expect(cache.has('a') && cache.has('b') && cache.has('d')).toBe(true);
  });

  it('a delete of a key read just before leaves the others intact', () => {
    const cache = filled();
    cache.get('b');
    cache.get('a');
    expect(cache.delete('b')).toBe(true);
    cache.get('c');
    cache.set('d', 4);
    cache.set('e', 5);
    expect(cache.size).toBe(3);
    expect(cache.has('b')).toBe(false);
  });
});

describe('buffered reads and the order they leave', () => {
  it('lru: the entry order follows the reads, across a strategy switch', () => {
    const cache = new Cache<string, number>({ capacity: 4, strategy: 'lru' });
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, 0);
    for (const k of ['b', 'd', 'a']) cache.get(k);
    expect([...cache.keys()]).toEqual(['a', 'd', 'b', 'c']);
    cache.get('c');
    cache.get('b');
    cache.setStrategy('lfu');
    cache.setStrategy('lru');
    expect([...cache.keys()]).toEqual(['b', 'c', 'a', 'd']);
  });

  it('a read of an expired entry after other reads expires only that entry', () => {
    let t = 0;
    const cache = new Cache<string, number>({ capacity: 3, strategy: 'lru', now: () => t });
    cache.set('a', 1, { ttlMs: 10 });
    cache.set('b', 2);
    cache.set('c', 3);
    cache.get('a');
    cache.get('c');
    t = 20;
    expect(cache.get('a')).toBeUndefined();
    expect([...cache.keys()]).toEqual(['c', 'b']);
  });
});
