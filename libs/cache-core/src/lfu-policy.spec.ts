import { Cache } from './index.js';

describe('LFU strategy', () => {
  it('evicts the least frequent entry, least recently used among equals', () => {
    const c = new Cache<string, number>({ capacity: 3, strategy: 'lfu' });
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    c.get('a');
    c.set('d', 4);
    expect(c.has('b')).toBe(false);
    c.set('e', 5);
    expect(c.has('c')).toBe(false);
    // Aging: after the evictions of priority-1 entries, newcomers start at priority 2, level
    // with 'a' (read once), and win the tie by being more recent.
    expect([...c.keys()]).toEqual(['e', 'd', 'a']);
  });

  it('ages: a key that was hot long ago is eventually evicted by a new working set', () => {
    const c = new Cache<string, number>({ capacity: 10, strategy: 'lfu' });
    c.set('old', 0);
    for (let i = 0; i < 200; i++) c.get('old');
    let ops = 0;
    for (let round = 0; round < 2000 && c.has('old'); round++) {
      for (const k of ['h1', 'h2', 'h3', 'h4', 'h5']) if (c.get(k) === undefined) c.set(k, round);
      c.set(`once-${round}`, round);
      ops += 6;
    }
    expect(c.has('old')).toBe(false);
    expect(ops).toBeLessThan(12_000);
    for (const k of ['h1', 'h2', 'h3', 'h4', 'h5']) expect(c.has(k)).toBe(true);
  });

  it('keeps recency as the tie-break when switched from LRU', () => {
    const c = new Cache<string, number>({ capacity: 4, strategy: 'lru' });
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, 0);
    c.get('a');
    c.get('a');
    c.get('c');
    c.setStrategy('lfu');
    expect([...c.keys()]).toEqual(['a', 'c', 'd', 'b']);
    c.set('e', 0);
    expect(c.has('b')).toBe(false);
  });

  it('evicts the least valuable first when switched to LRU', () => {
    const c = new Cache<string, number>({ capacity: 3, strategy: 'lfu' });
    c.set('a', 0);
    c.set('b', 0);
    c.set('c', 0);
    c.get('a');
    c.get('a');
    c.get('b');
    c.setStrategy('lru');
    expect([...c.keys()]).toEqual(['a', 'b', 'c']);
    c.set('d', 0);
    expect(c.has('c')).toBe(false);
  });
});
