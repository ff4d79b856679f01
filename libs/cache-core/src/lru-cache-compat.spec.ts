import fc from 'fast-check';
import { LRUCache as Reference } from 'lru-cache';
import { LRUCache, type DisposeReason } from './lru-cache-compat.js';

type Op =
  | { op: 'set'; key: number; value: number; ttl?: number }
  | { op: 'get' | 'peek' | 'has' | 'delete' | 'ttl'; key: number }
  | { op: 'clear' }
  | { op: 'advance'; ms: number };

const key = fc.integer({ min: 0, max: 9 });
const ops = (withTtl: boolean): fc.Arbitrary<Op[]> =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 30 }), ...(withTtl ? { ttl: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }) } : {}) }) },
      { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'has' as const), key }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'ttl' as const), key }) },
      { weight: 1, arbitrary: fc.constant<Op>({ op: 'clear' }) },
      { weight: withTtl ? 2 : 0, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 25 }) }) },
    ),
    { maxLength: 80 },
  );

interface Setup {
  max?: number;
  maxSize?: number;
  ttl?: number;
  allowStale?: boolean;
  updateAgeOnGet?: boolean;
}

/**
 * Runs the same operations on lru-cache and on the compat entry with one shared clock and
 * compares every answer; `exact` also compares order, size and dispose calls.
 */
function differential(setup: Setup, sequence: Op[], exact: boolean): void {
  let t = 1_000;
  const perf = { now: () => t };
  // lru-cache also has a 'fetch' reason, which the compat entry never reports.
  const log = (into: [number, number, string][]) => (v: number, k: number, r: DisposeReason | 'fetch') => {
    into.push([k, v, r]);
  };
  const theirs: [number, number, string][] = [];
  const ours: [number, number, string][] = [];
  const sizeCalculation = setup.maxSize === undefined ? undefined : (v: number) => (v % 5) + 1;
  const ref = new Reference<number, number>({ ...setup, sizeCalculation, dispose: log(theirs), perf, ttlResolution: 0 } as Reference.Options<number, number, unknown>);
  const compat = new LRUCache<number, number>({ ...setup, sizeCalculation, dispose: log(ours), perf });
  for (const o of sequence) {
    switch (o.op) {
      case 'set':
        ref.set(o.key, o.value, o.ttl === undefined ? undefined : { ttl: o.ttl });
        compat.set(o.key, o.value, o.ttl === undefined ? undefined : { ttl: o.ttl });
        break;
      case 'get':
      case 'peek': {
        // lru-cache serves an expired entry it still holds once with allowStale; cache-core may
        // already have swept it on an earlier write and then answers undefined (README table).
        const staleInReference = ref.getRemainingTTL(o.key) < 0;
        const [mine, reference] = o.op === 'get' ? [compat.get(o.key), ref.get(o.key)] : [compat.peek(o.key), ref.peek(o.key)];
        if (!(setup.allowStale && staleInReference && mine === undefined)) expect(mine).toBe(reference);
        break;
      }
      case 'has':
        expect(compat.has(o.key)).toBe(ref.has(o.key));
        break;
      case 'delete': {
        const removed = compat.delete(o.key);
        // lru-cache also answers true for an expired entry it still held.
        if (exact) expect(removed).toBe(ref.delete(o.key));
        else ref.delete(o.key);
        break;
      }
      case 'ttl': {
        const [mine, reference] = [compat.getRemainingTTL(o.key), ref.getRemainingTTL(o.key)];
        // An expired entry lru-cache still holds answers the (negative) time past its expiry;
        // cache-core has already dropped it and answers 0, as for any absent key (README table).
        if (reference < 0) expect(mine).toBe(0);
        else if (Number.isFinite(reference)) expect(mine).toBeCloseTo(reference, 6);
        else expect(mine).toBe(reference);
        break;
      }
      case 'clear':
        ref.clear();
        compat.clear();
        // clear() reports in a different order: compare the calls as a set.
        theirs.sort((a, b) => a[0] - b[0]);
        ours.sort((a, b) => a[0] - b[0]);
        break;
      case 'advance':
        // Never a whole number of ms: no read lands exactly on an expiry instant, where
        // lru-cache still serves the entry and cache-core no longer does (see the README).
        t += o.ms + 0.37;
        break;
    }
    if (exact) {
      expect([...compat.keys()]).toEqual([...ref.keys()]);
      expect(compat.size).toBe(ref.size);
      expect(compat.calculatedSize).toBe(ref.calculatedSize);
      expect(ours).toEqual(theirs);
    }
  }
}

describe('lru-cache-compat, differential against lru-cache', () => {
  it('max: same answers, order, size and dispose calls', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), ops(false), (max, s) => differential({ max }, s, true)), { numRuns: 300 });
  });

  it('maxSize + sizeCalculation (with and without max): same answers, order, sizes and dispose calls', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), fc.integer({ min: 1, max: 12 }), ops(false), (max, maxSize, s) =>
        differential({ max, maxSize }, s, true),
      ),
      { numRuns: 300 },
    );
  });

  it('ttl, allowStale, updateAgeOnGet: same answers to get, peek, has and getRemainingTTL', () => {
    // Capacity to spare: lru-cache evicts expired entries only by LRU order, cache-core also
    // purges them as it goes, so under eviction pressure cache-core may keep more.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.boolean(), fc.boolean(), ops(true), (ttl, allowStale, updateAgeOnGet, s) =>
        differential({ max: 100, ttl, allowStale, updateAgeOnGet }, s, false),
      ),
      { numRuns: 300 },
    );
  });
});

describe('lru-cache-compat fetch', () => {
  it('loads a missing key once for concurrent fetches and stores it', async () => {
    let calls = 0;
    const c = new LRUCache<string, string>({
      max: 10,
      fetchMethod: async (k) => {
        calls++;
        return `v:${k}`;
      },
    });
    const [a, b] = await Promise.all([c.fetch('x'), c.fetch('x')]);
    expect([a, b, calls, c.get('x')]).toEqual(['v:x', 'v:x', 1, 'v:x']);
    expect(await c.fetch('x')).toBe('v:x');
    expect(calls).toBe(1);
  });

  it('serves a stale value at once with allowStale while it refreshes, and stores nothing for undefined', async () => {
    let t = 0;
    let next: string | undefined = 'fresh';
    const c = new LRUCache<string, string>({ max: 10, ttl: 10, allowStale: true, perf: { now: () => t }, fetchMethod: async (_k, stale) => next ?? stale });
    c.set('k', 'old');
    t = 20;
    expect(await c.fetch('k')).toBe('old');
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(c.get('k')).toBe('fresh');
    next = undefined;
    const d = new LRUCache<string, string>({ max: 10, fetchMethod: async () => undefined });
    expect(await d.fetch('none')).toBeUndefined();
    expect(d.has('none')).toBe(false);
  });

  it('drops a fetch result when the key is written meanwhile, and aborts the fetch', async () => {
    let signal: { aborted: boolean } | undefined;
    let release: (v: string) => void = () => undefined;
    const c = new LRUCache<string, string>({
      max: 10,
      fetchMethod: (_k, _s, o) => {
        signal = o.signal;
        return new Promise<string>((resolve) => (release = resolve));
      },
    });
    const pending = c.fetch('k');
    c.set('k', 'written');
    release('loaded');
    expect(await pending).toBe('loaded');
    expect(signal?.aborted).toBe(true);
    expect(c.get('k')).toBe('written');
  });

  it('rejects options lru-cache rejects, as a CacheError', () => {
    expect(() => new LRUCache({})).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new LRUCache({ max: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new LRUCache({ max: 1, sizeCalculation: () => 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new LRUCache<string, number>({ maxSize: 5 }).set('a', 1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
