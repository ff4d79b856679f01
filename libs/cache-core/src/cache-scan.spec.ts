import fc from 'fast-check';
import { Cache, type EvictionReason } from './index.js';

type Step =
  | { op: 'set'; key: string; ttl: number | undefined }
  | { op: 'get' | 'delete'; key: string }
  | { op: 'advance'; ms: number }
  | { op: 'strategy'; strategy: 'lru' | 'lfu' | 'tinylfu' };

const key = fc.constantFrom('k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', '__proto__', 'constructor');
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), key, ttl: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('strategy' as const), strategy: fc.constantFrom<'lru' | 'lfu' | 'tinylfu'>('lru', 'lfu', 'tinylfu') }) },
);

describe('Cache.scan', () => {
  it('walks every live key once, in steps, without copying the cache', () => {
    const cache = new Cache<string, number>({ capacity: 100, strategy: 'lru' });
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, i);
    for (let i = 0; i < 100; i += 3) cache.delete(`k${i}`);
    const seen: string[] = [];
    let cursor = 0;
    let steps = 0;
    do {
      const page = cache.scan(cursor, 7);
      expect(page.keys.length).toBeLessThanOrEqual(7);
      seen.push(...page.keys);
      cursor = page.next;
      steps++;
    } while (cursor !== 0 && steps < 1000);
    expect(seen.sort()).toEqual([...cache.keys()].sort());
    expect(cache.stats().hits).toBe(0); // a walk is not an access
  });

  it('purges the expired entries it passes and reports them', () => {
    let now = 0;
    const gone: [string, EvictionReason][] = [];
    const cache = new Cache<string, number>({ capacity: 10, now: () => now, onEvict: (k, _v, r) => gone.push([k, r]) });
    cache.set('short', 1, { ttlMs: 5 });
    cache.set('long', 2, { ttlMs: 500 });
    now = 10;
    expect(cache.scan(0, 10)).toEqual({ keys: ['long'], next: 0 });
    expect(gone).toEqual([['short', 'expire']]);
    expect(cache.size).toBe(1);
  });

  it('changes layoutVersion only when entries move to other slots', () => {
    const cache = new Cache<string, number>({ capacity: 10 });
    const v0 = cache.layoutVersion;
    cache.set('a', 1);
    cache.delete('a');
    cache.clear();
    // A strategy switch builds a new policy over the same slots: a walk under way goes on.
    cache.setStrategy('lfu');
    cache.setStrategy('tinylfu');
    expect(cache.layoutVersion).toBe(v0);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.resize(1);
    expect(cache.layoutVersion).not.toBe(v0);
  });

  // Redis SCAN's promise: a key live from the start to the end of the walk comes back exactly
  // once (while layoutVersion holds), and a returned key was live when it was returned.
  it('keeps its promise whatever is written between the steps', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 30 }),
        fc.array(fc.array(stepArb, { maxLength: 6 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        (before, between, count) => {
          let now = 0;
          const cache = new Cache<string, number>({ capacity: 6, strategy: 'lfu', now: () => now });
          const run = (step: Step) => {
            if (step.op === 'set') cache.set(step.key, 1, step.ttl === undefined ? undefined : { ttlMs: step.ttl });
            else if (step.op === 'get') cache.get(step.key);
            else if (step.op === 'delete') cache.delete(step.key);
            else if (step.op === 'advance') now += step.ms;
            else if (step.op === 'strategy') cache.setStrategy(step.strategy);
          };
          before.forEach(run);
          const layout = cache.layoutVersion;
          const atStart = new Set(cache.keys());
          const touched = new Set<string>();
          const returned: string[] = [];
          let cursor = 0;
          for (let i = 0; ; i++) {
            const page = cache.scan(cursor, count);
            for (const k of page.keys) expect(cache.has(k)).toBe(true);
            returned.push(...page.keys);
            cursor = page.next;
            if (cursor === 0) break;
            for (const step of between[i % between.length]) {
              run(step);
              if (step.op === 'set' || step.op === 'delete') touched.add(step.key);
            }
            if (i > 100) throw new TypeError('walk did not end');
          }
          if (cache.layoutVersion !== layout) return;
          const liveThroughout = [...atStart].filter((k) => !touched.has(k) && cache.has(k));
          for (const k of liveThroughout) expect(returned.filter((r) => r === k)).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
