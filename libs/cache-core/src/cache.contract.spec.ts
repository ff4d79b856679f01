import { Cache, CacheError, STRATEGIES, type EvictionReason, type Strategy } from './index.js';
import { STRING_TABLE_MIN } from './key-index.js';

const strategies: Strategy[] = [...STRATEGIES];

describe.each(strategies)('Cache contract (%s)', (strategy) => {
  const make = <V = number>(capacity = 3, extra: Partial<ConstructorParameters<typeof Cache<string, V>>[0]> = {}) =>
    new Cache<string, V>({ capacity, strategy, ...extra });

  it('stores, reads, overwrites and deletes', () => {
    const c = make();
    expect(c.set('a', 1)).toEqual({ ok: true, created: true });
    expect(c.get('a')).toBe(1);
    expect(c.set('a', 2)).toEqual({ ok: true, created: false });
    expect(c.get('a')).toBe(2);
    expect(c.size).toBe(1);
    expect(c.delete('a')).toBe(true);
    expect(c.delete('a')).toBe(false);
    expect(c.get('a')).toBeUndefined();
    expect(c.has('a')).toBe(false);
  });

  it('a set right after a peek of the same key writes that key, whatever moved in between', () => {
    for (const extra of [{}, { onEvict: () => {} }, { maxBytes: 100, sizeOf: () => 1 }]) {
      const c = make(3, extra);
      c.set('a', 1);
      c.set('b', 2);
      expect(c.peek('a')).toBe(1);
      // a's slot goes to c: the slot the peek found no longer holds a.
      c.delete('a');
      c.set('c', 3);
      expect(c.set('a', 9)).toMatchObject({ created: true });
      expect([c.peek('a'), c.peek('b'), c.peek('c'), c.size]).toEqual([9, 2, 3, 3]);
      // Found, then deleted: its slot is free, and the set inserts the key again.
      expect(c.peek('c')).toBe(3);
      c.delete('c');
      expect(c.set('c', 7)).toMatchObject({ created: true });
      expect([c.get('c'), c.size]).toEqual([7, 3]);
      // Found absent, then inserted by another write: the next set overwrites it.
      expect(c.peek('d')).toBeUndefined();
      c.delete('b');
      expect(c.set('d', 4)).toMatchObject({ created: true });
      expect(c.set('d', 5)).toMatchObject({ created: false });
      expect([c.peek('d'), c.size]).toEqual([5, 3]);
      expect(c.has('e')).toBe(false);
      c.clear();
      expect(c.set('e', 6)).toMatchObject({ created: true });
      expect([...c.keys()]).toEqual(['e']);
    }
  });

  it('says whether a set created the key: a write over an expired or evicted entry creates it again', () => {
    let t = 0;
    // The plain path (no TTL, byte budget or hook), and each of the checks the general path adds.
    for (const extra of [{}, { maxBytes: 100, sizeOf: () => 1 }, { onEvict: () => {} }]) {
      t = 0;
      const c = make(2, { ...extra, now: () => t });
      expect(c.set('a', 1)).toMatchObject({ created: true });
      expect(c.set('a', 2)).toMatchObject({ created: false });
      expect(c.set('b', 1, { ttlMs: 5 })).toMatchObject({ created: true });
      expect(c.set('b', 1, { ttlMs: 5 })).toMatchObject({ created: false });
      t = 10;
      // Expired under the injected clock: the key is gone, so this write inserts it again.
      expect(c.set('b', 2)).toMatchObject({ created: true });
      c.set('c', 1);
      // Capacity 2: one of a, b was evicted for c; writing it again creates it.
      const gone = c.has('a') ? 'b' : 'a';
      expect(c.set(gone, 3)).toMatchObject({ created: true });
      c.delete('c');
      expect(c.set('c', 4)).toMatchObject({ created: true });
    }
  });

  it('treats __proto__, constructor and the empty string as ordinary keys', () => {
    const c = make(5);
    for (const k of ['__proto__', 'constructor', '', 'toString']) c.set(k, k.length);
    expect(c.get('__proto__')).toBe(9);
    expect(c.get('constructor')).toBe(11);
    expect(c.get('')).toBe(0);
    expect(c.has('hasOwnProperty')).toBe(false);
    expect([...c.keys()].sort()).toEqual(['', '__proto__', 'constructor', 'toString']);
  });

  it('keeps __proto__ and constructor ordinary in a large cache too (string keys in its own hash table), through eviction, switches and a dump', () => {
    const capacity = STRING_TABLE_MIN;
    const c = make(capacity);
    for (const k of ['__proto__', 'constructor', '']) c.set(k, k.length);
    for (let i = 0; i < capacity; i++) c.set(`k${i}`, i); // fills, then evicts the least valuable
    c.set('__proto__', 1);
    c.set('constructor', 2);
    expect(c.get('__proto__')).toBe(1);
    expect(c.get('constructor')).toBe(2);
    expect(c.size).toBe(capacity);
    c.setStrategy(strategy === 'lru' ? 'lfu' : 'lru');
    expect(c.peek('__proto__')).toBe(1);
    expect(c.delete('constructor')).toBe(true);
    expect(c.has('constructor')).toBe(false);
    const copy = Cache.load(c.dump(), { capacity, strategy });
    expect(copy.get('__proto__')).toBe(1);
    expect(copy.size).toBe(capacity - 1);
    expect(copy.get(`k${capacity - 1}`)).toBe(capacity - 1);
  });

  it('accepts object and number keys by identity and value', () => {
    const c = new Cache<object | number, number>({ capacity: 3, strategy });
    const a = {};
    const b = {};
    c.set(a, 1);
    c.set(b, 2);
    c.set(1, 3);
    expect([c.get(a), c.get(b), c.get(1), c.get({})]).toEqual([1, 2, 3, undefined]);
    for (let i = 0; i < 10; i++) c.set({}, i);
    expect(c.size).toBe(3);
  });

  it('never holds more than capacity entries and reports evictions', () => {
    const evicted: [string, number, EvictionReason][] = [];
    const c = make(3, { onEvict: (k, v, r) => evicted.push([k, v, r]) });
    for (let i = 0; i < 10; i++) c.set(`k${i}`, i);
    expect(c.size).toBe(3);
    expect(evicted).toHaveLength(7);
    expect(evicted.every(([, , r]) => r === 'evict')).toBe(true);
    expect(c.stats().evictions).toBe(7);
  });

  it('peek, peekEntry and has do not change what is evicted next', () => {
    const plain = make(3);
    const peeked = make(3);
    for (const c of [plain, peeked]) {
      c.set('a', 1);
      c.set('b', 2);
      c.set('c', 3);
      c.get('c');
    }
    peeked.peek('a');
    peeked.peekEntry('a');
    peeked.has('b');
    for (const c of [plain, peeked]) for (const k of ['d', 'e']) c.set(k, 0);
    expect([...peeked.keys()]).toEqual([...plain.keys()]);
  });

  it('counts hits, misses, sets and deletes', () => {
    const c = make();
    c.set('a', 1);
    c.get('a');
    c.get('a');
    c.get('x');
    c.delete('a');
    expect(c.stats()).toEqual({
      hits: 2,
      misses: 1,
      sets: 1,
      deletes: 1,
      evictions: 0,
      expirations: 0,
      hitRatio: 2 / 3,
      size: 0,
      capacity: 3,
    });
  });

  it('reports the replaced value with reason set, and delete and clear', () => {
    const events: [string, number, EvictionReason][] = [];
    const c = make(3, { onEvict: (k, v, r) => events.push([k, v, r]) });
    c.set('a', 1);
    c.set('a', 2);
    c.set('b', 3);
    c.delete('b');
    c.clear();
    expect(events).toEqual([
      ['a', 1, 'set'],
      ['b', 3, 'delete'],
      ['a', 2, 'clear'],
    ]);
    expect(c.size).toBe(0);
    expect(c.get('a')).toBeUndefined();
  });

  it('clears without a report per entry when asked, counting the expired ones either way', () => {
    for (const report of [true, false]) {
      let now = 0;
      const events: EvictionReason[] = [];
      const c = make(8, { onEvict: (_k, _v, r) => events.push(r), now: () => now });
      c.set('a', 1, { ttlMs: 5 });
      c.set('b', 2, { ttlMs: 50 });
      c.set('c', 3);
      c.delete('c');
      now = 10;
      c.clear({ report });
      expect(events).toEqual(report ? ['delete', 'clear', 'expire'] : ['delete']);
      expect(c.size).toBe(0);
      expect(c.stats().expirations).toBe(1);
      expect([...c.keys()]).toEqual([]);
      c.set('b', 4);
      expect(c.get('b')).toBe(4);
      expect(c.get('a')).toBeUndefined();
    }
  });

  it('lets onEvict re-enter the cache safely', () => {
    const victims: string[] = [];
    const c: Cache<string, number> = make(2, {
      onEvict: (k, _v, r) => {
        if (r !== 'evict' || victims.length > 0) return;
        victims.push(k);
        c.set(`re-${k}`, 0);
      },
    });
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    expect(victims).toHaveLength(1);
    expect(c.size).toBe(2);
    expect(c.has(`re-${victims[0]}`)).toBe(true);
  });

  it('reports each overwrite once, in order, when onEvict overwrites another key from inside a report', () => {
    const reports: string[] = [];
    const c: Cache<string, number> = make(10, {
      onEvict: (k, v, r) => {
        reports.push(`${k}:${v}:${r}`);
        if (k === 'a' && v < 3) c.set('b', v * 10);
      },
    });
    c.set('a', 1);
    c.set('b', 1);
    for (const v of [2, 3, 4]) c.set('a', v);
    c.delete('b');
    expect(reports).toEqual(['a:1:set', 'b:1:set', 'a:2:set', 'b:10:set', 'a:3:set', 'b:20:delete']);
  });

  it('reports an overwrite before the evictions it caused', () => {
    const reports: string[] = [];
    const c = make<number>(10, { maxBytes: 10, sizeOf: (v) => v, onEvict: (k, v, r) => reports.push(`${k}:${v}:${r}`) });
    c.set('a', 3);
    c.set('b', 3);
    c.set('c', 3);
    c.set('a', 5);
    expect(reports).toHaveLength(2);
    expect(reports[0]).toBe('a:3:set');
    expect(reports[1]).toMatch(/^[bc]:3:evict$/);
    c.set('a', 4);
    expect(reports.slice(2)).toEqual(['a:5:set']);
  });

  it('expires entries with an injected clock and counts expirations', () => {
    let t = 1000;
    const reasons: EvictionReason[] = [];
    const c = make(3, { ttlMs: 100, now: () => t, onEvict: (_k, _v, r) => reasons.push(r) });
    c.set('a', 1);
    c.set('b', 2, { ttlMs: 500 });
    c.set('c', 3, { ttlMs: Infinity });
    expect(c.peekEntry('a')).toEqual({ value: 1, expiresAt: 1100, accessCount: 1 });
    t = 1100;
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBe(2);
    t = 10_000;
    expect(c.has('b')).toBe(false);
    expect(c.get('c')).toBe(3);
    expect(c.stats().expirations).toBe(2);
    expect(c.stats().misses).toBe(1);
    expect(reasons).toEqual(['expire', 'expire']);
  });

  it('purges expired entries incrementally on writes', () => {
    let t = 0;
    const c = make(100, { now: () => t });
    for (let i = 0; i < 50; i++) c.set(`old${i}`, i, { ttlMs: 10 });
    t = 20;
    for (let i = 0; i < 50; i++) c.set(`new${i}`, i);
    expect(c.stats().expirations).toBe(50);
    expect(c.size).toBe(50);
  });

  it('keeps the byte total within maxBytes and refuses oversized entries', () => {
    const c = make<string>(10, { maxBytes: 10, sizeOf: (v: string) => v.length });
    expect(c.set('a', 'xxxx')).toEqual({ ok: true, created: true });
    c.set('b', 'xxxx');
    c.set('c', 'xxxx');
    expect(c.bytes).toBeLessThanOrEqual(10);
    expect(c.size).toBe(2);
    const refused = c.set('d', 'x'.repeat(11));
    expect(refused).toMatchObject({ ok: false, code: 'TOO_LARGE', size: 11, maxBytes: 10 });
    expect(c.has('d')).toBe(false);
    expect(c.set('e', 'bad', undefined)).toEqual({ ok: true, created: true });
    const bad = new Cache<string, string>({ capacity: 2, strategy, maxBytes: 5, sizeOf: () => NaN });
    expect(bad.set('x', 'y')).toMatchObject({ ok: false, code: 'INVALID_SIZE' });
  });

  it('tracks accessCount as one for the set plus every hit', () => {
    const c = make();
    c.set('a', 1);
    c.get('a');
    c.get('a');
    c.peek('a');
    expect(c.peekEntry('a')).toEqual({ value: 1, expiresAt: undefined, accessCount: 3 });
    expect(c.peekEntry('zz')).toBeUndefined();
  });

  it('resizes, evicting the least valuable entries when shrinking', () => {
    const c = make(5);
    for (let i = 0; i < 5; i++) c.set(`k${i}`, i);
    c.get('k0');
    c.resize(2);
    expect(c.capacity).toBe(2);
    expect(c.size).toBe(2);
    expect(c.has('k0')).toBe(true);
    c.resize(4);
    c.set('n1', 1);
    c.set('n2', 2);
    expect(c.size).toBe(4);
  });

  it('switches strategy keeping every entry', () => {
    const c = make(4);
    for (let i = 0; i < 4; i++) c.set(`k${i}`, i);
    const other: Strategy = strategy === 'lru' ? 'lfu' : 'lru';
    c.setStrategy(other);
    expect(c.strategy).toBe(other);
    expect(c.size).toBe(4);
    for (let i = 0; i < 4; i++) expect(c.peek(`k${i}`)).toBe(i);
  });

  it('iterates most valuable first', () => {
    const c = make(3);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    c.get('a');
    expect([...c.keys()][0]).toBe('a');
    expect([...c.entries()][0]).toEqual(['a', 1]);
    expect([...c.values()][0]).toBe(1);
    expect([...c].length).toBe(3);
  });

  it('round-trips through dump and load, JSON included', () => {
    let t = 0;
    const c = make(4, { now: () => t });
    c.set('a', 1, { ttlMs: 1000 });
    c.set('b', 2);
    c.set('c', 3);
    c.get('b');
    c.get('b');
    t = 400;
    const dump = JSON.parse(JSON.stringify(c.dump()));
    expect(dump[0]).toMatchObject({ key: 'b', accessCount: 3 });
    expect(dump.find((e: { key: string }) => e.key === 'a').ttlRemainingMs).toBe(600);
    const copy = Cache.load<string, number>(dump, { capacity: 4, strategy, now: () => t });
    expect([...copy.entries()]).toEqual([...c.entries()]);
    expect(copy.peekEntry('a')?.expiresAt).toBe(1000);
    expect(copy.dump()).toEqual(c.dump());
  });

  it('getOrLoad shares one loader call between concurrent misses', async () => {
    const c = make<string>();
    let calls = 0;
    const loader = async (k: string) => {
      calls++;
      await Promise.resolve();
      return `v-${k}`;
    };
    const [x, y] = await Promise.all([c.getOrLoad('a', loader), c.getOrLoad('a', loader)]);
    expect([x, y, calls]).toEqual(['v-a', 'v-a', 1]);
    expect(await c.getOrLoad('a', loader)).toBe('v-a');
    expect(calls).toBe(1);
    expect(c.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('getOrLoad stores nothing when the loader fails or the key is deleted meanwhile', async () => {
    const c = make<string>();
    await expect(c.getOrLoad('a', () => Promise.reject(new CacheError('INVALID_OPTION', 'boom')))).rejects.toThrow('boom');
    expect(c.has('a')).toBe(false);
    let release!: (v: string) => void;
    const pending = c.getOrLoad('b', () => new Promise<string>((r) => (release = r)));
    c.delete('b');
    release('late');
    expect(await pending).toBe('late');
    expect(c.has('b')).toBe(false);
  });
});

describe('Cache options', () => {
  it.each([0, -1, 1.5, NaN, Infinity, '3', 2 ** 31])('rejects capacity %p with INVALID_OPTION', (capacity) => {
    expect(() => new Cache({ capacity: capacity as number })).toThrow(CacheError);
    try {
      new Cache({ capacity: capacity as number });
    } catch (e) {
      expect((e as CacheError).code).toBe('INVALID_OPTION');
    }
  });

  it('rejects unknown strategies, bad TTLs and maxBytes without sizeOf', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof CacheError ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => new Cache({ capacity: 1, strategy: 'fifo' as Strategy }))).toBe('INVALID_OPTION');
    expect(code(() => new Cache({ capacity: 1, ttlMs: -5 }))).toBe('INVALID_OPTION');
    expect(code(() => new Cache({ capacity: 1, maxBytes: 10 }))).toBe('INVALID_OPTION');
    expect(code(() => new Cache({ capacity: 1 }).setStrategy('LRU' as Strategy))).toBe('INVALID_OPTION');
    expect(code(() => new Cache({ capacity: 1 }).resize(0))).toBe('INVALID_OPTION');
    expect(code(() => new Cache<string, number>({ capacity: 1 }).set('a', 1, { ttlMs: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => Cache.load({} as never, { capacity: 1 }))).toBe('INVALID_DUMP');
    expect(code(() => Cache.load([{ key: 'a', value: 1, accessCount: 0 }], { capacity: 1 }))).toBe(
      'INVALID_DUMP',
    );
  });

  it('defaults to lru', () => {
    expect(new Cache({ capacity: 1 }).strategy).toBe('lru');
  });
});
