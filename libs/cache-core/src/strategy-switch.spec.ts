import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { Cache } from './cache.js';
import { STRATEGIES, type Strategy } from './strategies.js';
import { SWITCH_STEP } from './strategy-switch.js';

const PAIRS = STRATEGIES.flatMap((from) => STRATEGIES.filter((to) => to !== from).map((to) => [from, to] as const));

/** A cache of `n` keys with a spread of access counts and a recency order unlike insertion. */
function filled(strategy: Strategy, n: number, capacity = n): Cache<string, number> {
  const cache = new Cache<string, number>({ capacity, strategy });
  for (let i = 0; i < n; i++) cache.set(`k${i}`, i);
  for (let i = 0; i < n; i += 3) cache.get(`k${(i * 7) % n}`);
  for (let i = 0; i < n; i += 5) cache.get(`k${(i * 11) % n}`);
  return cache;
}

const order = (cache: Cache<string, number>) => [...cache.keys()].map((k) => [k, cache.peekEntry(k)?.accessCount]);

type Op = { op: 'get' | 'delete'; key: number } | { op: 'set'; key: number; value: number } | { op: 'step' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), key: fc.nat(80) }),
  fc.record({ op: fc.constant('set' as const), key: fc.nat(80), value: fc.nat(9) }),
  fc.constant<Op>({ op: 'step' }),
);

function apply(cache: Cache<string, number>, o: Op): void {
  if (o.op === 'get') cache.get(`k${o.key}`);
  else if (o.op === 'delete') cache.delete(`k${o.key}`);
  else if (o.op === 'set') cache.set(`k${o.key}`, o.value);
}

describe('stepped strategy switch', () => {
  it.each(PAIRS)('%s → %s: no step handles more than its bound, and it takes n / bound steps', (from, to) => {
    const n = 20_000;
    const cache = filled(from, n);
    const reference = filled(from, n);
    reference.setStrategy(to);
    cache.beginStrategySwitch(to);
    expect(cache.strategy).toBe(to);
    let steps = 0;
    let largest = 0;
    for (;;) {
      const more = cache.continueStrategySwitch();
      steps++;
      largest = Math.max(largest, cache.lastSwitchStepEntries);
      if (!more) break;
      expect(steps).toBeLessThan(1000);
    }
    expect(largest).toBeLessThanOrEqual(SWITCH_STEP);
    expect(steps).toBeGreaterThanOrEqual(Math.floor(n / SWITCH_STEP));
    expect(cache.switchingStrategy).toBe(false);
    expect(order(cache)).toEqual(order(reference));
  });

  it.each(PAIRS)('%s → %s: with reads, writes and deletes between the steps, ends as a switch at the start followed by them', (from, to) => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        // Room for every key: evictions, which the old policy decides during a switch, are the model test's.
        const cache = filled(from, 60, 200);
        const reference = filled(from, 60, 200);
        reference.setStrategy(to);
        cache.beginStrategySwitch(to, 7);
        for (const o of ops) {
          if (o.op === 'step') cache.continueStrategySwitch();
          apply(cache, o);
          apply(reference, o);
          expect(cache.size).toBe(reference.size);
        }
        while (cache.continueStrategySwitch());
        expect(order(cache)).toEqual(order(reference));
      }),
      { numRuns: 60 },
    );
  });

  it('a policy over a MiB is copied after a preparation in steps; what happens before the copy is in it', () => {
    // 70,000 LRU entries: 131,072 slots of 12 bytes.
    const n = 70_000;
    const cache = filled('lru', n);
    const reference = filled('lru', n);
    cache.beginStrategySwitch('lfu');
    cache.continueStrategySwitch();
    cache.set('fresh', -1); // evicts the LRU victim, before the snapshot
    reference.set('fresh', -1);
    reference.setStrategy('lfu');
    let steps = 1;
    while (cache.continueStrategySwitch()) {
      steps++;
      expect(cache.lastSwitchStepEntries).toBeLessThanOrEqual(SWITCH_STEP);
    }
    expect(steps).toBeGreaterThan(n / SWITCH_STEP);
    expect(order(cache)).toEqual(order(reference));
  });

  it.each(STRATEGIES)('%s: the copy a switch walks has the policy class\'s own hidden class (its methods stay monomorphic)', (from) => {
    setFlagsFromString('--allow-natives-syntax');
    const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    const cache = filled(from, 1000);
    cache.beginStrategySwitch(from === 'lru' ? 'lfu' : 'lru');
    const under = (cache as unknown as { switching: { live: object; frozen: object } }).switching;
    expect(sameMap(under.frozen, under.live)).toBe(true);
  });

  it('evicts as the old policy until the end, then as the new one', () => {
    const cache = new Cache<string, number>({ capacity: 3, strategy: 'lfu' });
    cache.set('a', 1);
    cache.get('a');
    cache.set('b', 2);
    cache.set('c', 3);
    cache.beginStrategySwitch('lru', 1);
    cache.set('d', 4); // LFU: b (count 1, least recent) goes, not a
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    while (cache.continueStrategySwitch());
    cache.set('e', 5); // LRU now: a, the least recently used, goes
    expect([...cache.keys()]).toEqual(['e', 'd', 'c']);
  });

  it('a scan during the switch returns every key live throughout exactly once', () => {
    const cache = filled('lru', 5000);
    cache.beginStrategySwitch('tinylfu', 100);
    const seen: string[] = [];
    let cursor = 0;
    do {
      const { keys, next } = cache.scan(cursor, 97);
      seen.push(...keys);
      cursor = next;
      cache.continueStrategySwitch();
      cache.set(`new${seen.length}`, 0);
      cache.delete(`new${seen.length - 1}`);
    } while (cursor !== 0);
    const old = seen.filter((k) => k.startsWith('k'));
    expect(old.length).toBe(5000);
    expect(new Set(old).size).toBe(5000);
  });

  it('a second switch replaces the one under way; a switch back to the old strategy cancels it', () => {
    const reference = filled('lfu', 3000);
    const cache = filled('lfu', 3000);
    cache.beginStrategySwitch('lru', 100);
    for (let i = 0; i < 5; i++) cache.continueStrategySwitch();
    cache.beginStrategySwitch('tinylfu', 100);
    expect(cache.strategy).toBe('tinylfu');
    for (let i = 0; i < 5; i++) cache.continueStrategySwitch();
    cache.beginStrategySwitch('lfu');
    expect(cache.switchingStrategy).toBe(false);
    expect(cache.strategy).toBe('lfu');
    expect(order(cache)).toEqual(order(reference));
    cache.beginStrategySwitch('lru', 100);
    cache.setStrategy('tinylfu');
    reference.setStrategy('tinylfu');
    expect(cache.switchingStrategy).toBe(false);
    expect(order(cache)).toEqual(order(reference));
  });

  it('clear during a switch ends it with the new strategy, empty', () => {
    const cache = filled('lru', 3000);
    cache.beginStrategySwitch('lfu', 100);
    cache.continueStrategySwitch();
    cache.clear();
    expect(cache.switchingStrategy).toBe(false);
    expect(cache.strategy).toBe('lfu');
    expect(cache.size).toBe(0);
    cache.set('x', 1);
    cache.get('x');
    cache.set('y', 2);
    expect([...cache.keys()]).toEqual(['x', 'y']);
  });
});
