import fc from 'fast-check';
import { Cache, type EvictionReason } from './index.js';

describe('TinyLFU strategy', () => {
  const hot = Array.from({ length: 90 }, (_, i) => `hot-${i}`);

  it('does not let a stream of one-off keys push out keys that recur', () => {
    // Each step reads one of 90 recurring keys and writes one key never seen again: 180
    // distinct keys per cycle in a cache of 100, which makes LRU miss every recurring read.
    const hitsOf = (strategy: 'lru' | 'tinylfu') => {
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
    expect(hitsOf('tinylfu')).toBeGreaterThan(0.9);
  });

  it('keeps a loop slightly larger than the cache partly cached, where LRU misses every read', () => {
    const hitsOf = (strategy: 'lru' | 'tinylfu') => {
      const c = new Cache<number, number>({ capacity: 100, strategy });
      let hits = 0;
      for (let i = 0; i < 20_000; i++) {
        const k = i % 110;
        if (c.get(k) === undefined) c.set(k, i);
        else if (i >= 2_000) hits++;
      }
      return hits / 18_000;
    };
    expect(hitsOf('lru')).toBe(0);
    expect(hitsOf('tinylfu')).toBeGreaterThan(0.5);
  });

  it('can always read a key right after writing it, even among frequent keys', () => {
    const c = new Cache<string, number>({ capacity: 100, strategy: 'tinylfu' });
    for (let round = 0; round < 5; round++) for (const k of hot) if (c.get(k) === undefined) c.set(k, round);
    for (let i = 0; i < 1_000; i++) {
      c.set(`new-${i}`, i);
      expect(c.get(`new-${i}`)).toBe(i);
    }
  });

  it('forgets: a key that was hot long ago is eventually evicted by a new working set', () => {
    const c = new Cache<string, number>({ capacity: 10, strategy: 'tinylfu' });
    c.set('old', 0);
    for (let i = 0; i < 200; i++) c.get('old');
    let ops = 0;
    const working = Array.from({ length: 12 }, (_, i) => `w${i}`);
    for (let round = 0; round < 5000 && c.has('old'); round++) {
      for (const k of working) if (c.get(k) === undefined) c.set(k, round);
      ops += working.length;
    }
    expect(c.has('old')).toBe(false);
    expect(ops).toBeLessThan(30_000);
  });

  it('keeps the recency order and every access count through tinylfu and back', () => {
    const c = new Cache<string, number>({ capacity: 20, strategy: 'lfu' });
    for (let i = 0; i < 200; i++) {
      const k = `k${(i * 7) % 23}`;
      if (c.get(k) === undefined) c.set(k, i);
    }
    const before = [...c.keys()].map((k) => [k, c.peekEntry(k)?.accessCount]);
    c.setStrategy('tinylfu');
    c.setStrategy('lfu');
    expect([...c.keys()].map((k) => [k, c.peekEntry(k)?.accessCount])).toEqual(before);
  });

  it('switched to LRU, orders by last use', () => {
    const c = new Cache<string, number>({ capacity: 200, strategy: 'tinylfu' });
    for (let i = 0; i < 300; i++) c.set(`k${i % 150}`, i);
    c.get('k3');
    c.setStrategy('lru');
    expect([...c.keys()].slice(0, 3)).toEqual(['k3', 'k149', 'k148']);
  });

  type Op =
    | { op: 'get' | 'delete'; key: number }
    | { op: 'set'; key: number; value: number; ttl?: number }
    | { op: 'advance'; ms: number }
    | { op: 'resize'; capacity: number }
    | { op: 'strategy'; strategy: 'lru' | 'lfu' | 'tinylfu' }
    | { op: 'clear' };
  const key = fc.integer({ min: 0, max: 30 });
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 9 }), ttl: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }) }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 20 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('resize' as const), capacity: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('strategy' as const), strategy: fc.constantFrom('lru' as const, 'lfu' as const, 'tinylfu' as const) }) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: 'clear' }) },
  );

  it('returns what was last written unless it reported the key removed; never exceeds capacity or byte budget', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 150 }), fc.integer({ min: 1, max: 12 }), (ops, capacity) => {
        let t = 0;
        const model = new Map<number, { value: number; expiresAt: number }>();
        const events: [number, number, EvictionReason][] = [];
        const c = new Cache<number, number>({
          capacity,
          strategy: 'tinylfu',
          now: () => t,
          maxBytes: 30,
          sizeOf: (v) => v,
          onEvict: (k, v, r) => events.push([k, v, r]),
        });
        const applyEvents = () => {
          for (const [k, v, reason] of events) {
            if (reason === 'set') continue;
            expect(model.get(k)?.value).toBe(v);
            model.delete(k);
          }
          events.length = 0;
        };
        for (const o of ops) {
          events.length = 0;
          if (o.op === 'get') {
            const e = model.get(o.key);
            const live = e !== undefined && e.expiresAt > t;
            expect(c.get(o.key)).toBe(live ? e.value : undefined);
          } else if (o.op === 'set') {
            const before = model.has(o.key);
            c.set(o.key, o.value, o.ttl === undefined ? undefined : { ttlMs: o.ttl });
            // What the write removed was there before it, an expired entry of this very key included.
            applyEvents();
            model.set(o.key, { value: o.value, expiresAt: o.ttl === undefined ? Infinity : t + o.ttl });
            // A new key is admitted to the window: it is readable until something else happens.
            if (!before) expect(c.peek(o.key)).toBe(o.value);
          } else if (o.op === 'delete') c.delete(o.key);
          else if (o.op === 'advance') t += o.ms;
          else if (o.op === 'resize') c.resize(o.capacity);
          else if (o.op === 'strategy') c.setStrategy(o.strategy);
          else c.clear();
          applyEvents();
          expect(c.size).toBeLessThanOrEqual(c.capacity);
          expect(c.bytes).toBeLessThanOrEqual(30);
          const live = [...model].filter(([, e]) => e.expiresAt > t).map(([k]) => k);
          expect(new Set(c.keys())).toEqual(new Set(live));
        }
      }),
      { numRuns: 300 },
    );
  });
});
