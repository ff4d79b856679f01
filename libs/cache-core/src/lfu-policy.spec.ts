import { Cache } from './index.js';

describe('LFU strategy', () => {
  const hot = Array.from({ length: 90 }, (_, i) => `hot-${i}`);

  it('does not let a stream of one-off keys push out keys that recur', () => {
    // Each step reads one of 90 recurring keys and writes one key never seen again: 180
    // distinct keys per cycle in a cache of 100, which makes LRU miss every recurring read.
    const hitsOf = (strategy: 'lru' | 'lfu') => {
      const c = new Cache<string, number>({ capacity: 100, strategy });
      let hits = 0;
      for (let i = 0; i < 9_000; i++) {
        const k = hot[i % hot.length];
        if (c.get(k) === undefined) c.set(k, i);
        else if (i >= 900) hits++;
        c.set(`once-${i}`, i);
      }
      return hits / 8_100;
    };
    expect(hitsOf('lru')).toBe(0);
    expect(hitsOf('lfu')).toBeGreaterThan(0.9);
  });

  it('can always read a key right after writing it, even among frequent keys', () => {
    const c = new Cache<string, number>({ capacity: 100, strategy: 'lfu' });
    for (let round = 0; round < 5; round++) for (const k of hot) if (c.get(k) === undefined) c.set(k, round);
    for (let i = 0; i < 1_000; i++) {
      c.set(`new-${i}`, i);
      expect(c.get(`new-${i}`)).toBe(i);
    }
  });

  it('ages: a key that was hot long ago is eventually evicted by a new working set', () => {
    const c = new Cache<string, number>({ capacity: 10, strategy: 'lfu' });
    c.set('old', 0);
    for (let i = 0; i < 200; i++) c.get('old');
    let ops = 0;
    const working = ['h1', 'h2', 'h3', 'h4', 'h5'];
    for (let round = 0; round < 5000 && c.has('old'); round++) {
      for (const k of working) if (c.get(k) === undefined) c.set(k, round);
      c.set(`once-${round}`, round);
      ops += 6;
    }
    expect(c.has('old')).toBe(false);
    expect(ops).toBeLessThan(30_000);
    for (const k of working) expect(c.has(k)).toBe(true);
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

  it('makes the least valuable entry the least recent when switched to LRU', () => {
    const c = new Cache<string, number>({ capacity: 3, strategy: 'lru' });
    c.set('a', 0);
    c.set('b', 0);
    c.set('c', 0);
    c.get('a');
    c.get('a');
    c.get('b');
    c.setStrategy('lfu');
    c.setStrategy('lru');
    expect([...c.keys()]).toEqual(['a', 'b', 'c']);
    c.set('d', 0);
    expect(c.has('c')).toBe(false);
  });

  it('round-trips its order through dump and load', () => {
    const c = new Cache<string, number>({ capacity: 50, strategy: 'lfu' });
    for (let i = 0; i < 300; i++) {
      const k = `k${(i * 7) % 60}`;
      if (c.get(k) === undefined) c.set(k, i);
    }
    const copy = Cache.load(c.dump(), { capacity: 50, strategy: 'lfu' });
    expect([...copy.keys()]).toEqual([...c.keys()]);
  });
});
