import fc from 'fast-check';
import { Cache, type EvictionReason } from './index.js';
import { ReferenceCache, type ModelEvent, type ModelStrategy } from './test/reference-cache.js';

type Key = string;
type Op =
  | { op: 'get' | 'peek' | 'has' | 'delete' | 'peekEntry'; key: Key }
  | { op: 'set'; key: Key; value: number; ttl: number | undefined }
  | { op: 'clear' }
  | { op: 'resize'; capacity: number }
  | { op: 'strategy'; strategy: ModelStrategy }
  /** Through tinylfu and straight back: it must keep every count and the recency order. */
  | { op: 'via-tinylfu' }
  | { op: 'advance'; ms: number }
  | { op: 'reload' }
  /** A stepped switch (beginStrategySwitch), one entry per step, and one of its steps. */
  | { op: 'begin'; strategy: ModelStrategy }
  | { op: 'step' };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', '', '__proto__', 'constructor');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 20 }), ttl: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('peek' as const, 'has' as const, 'delete' as const, 'peekEntry' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('resize' as const), capacity: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('strategy' as const), strategy: fc.constantFrom<ModelStrategy>('lru', 'lfu') }) },
  { weight: 1, arbitrary: fc.constant<Op>({ op: 'via-tinylfu' }) },
  { weight: 1, arbitrary: fc.constantFrom<Op>({ op: 'clear' }, { op: 'reload' }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('begin' as const), strategy: fc.constantFrom<ModelStrategy>('lru', 'lfu') }) },
  { weight: 3, arbitrary: fc.constant<Op>({ op: 'step' }) },
);

/**
 * `withEvents: false` runs the cache without onEvict, TTL or byte budget (its plain fast path).
 * `observeOrder: false` reads the entry order (`keys()`) only at the end, so that the reads `get`
 * buffers stay unseen by the policy across the operations that follow (cache.ts `drainReads`):
 * each of those must hand them over first.
 */
function check(strategy: ModelStrategy, ops: Op[], maxBytes?: number, withEvents = true, observeOrder = true): void {
  let t = 0;
  const sizeOf = (v: number) => v % 9;
  const events: ModelEvent<Key, number>[] = [];
  const options = {
    capacity: 4,
    strategy,
    now: () => t,
    ...(withEvents ? { onEvict: (k: Key, v: number, r: EvictionReason) => events.push([k, v, r]) } : {}),
    ...(maxBytes === undefined ? {} : { maxBytes, sizeOf }),
  };
  let real = new Cache<Key, number>(options);
  const model = new ReferenceCache<Key, number>(strategy, 4, 0, maxBytes, maxBytes === undefined ? undefined : sizeOf);
  // During a stepped switch the model keeps the old rule; it takes the new one when the real
  // cache's switch completes, as setStrategy at the start followed by the same operations.
  let modelStrategy = strategy;
  let pending: ModelStrategy | null = null;
  const switchModel = (to: ModelStrategy) => {
    model.setStrategy(to);
    modelStrategy = to;
    pending = null;
  };
  const completeSwitch = () => {
    if (pending !== null) switchModel(pending);
  };
  for (const o of ops) {
    events.length = 0;
    model.events.length = 0;
    switch (o.op) {
      case 'get':
        expect(real.get(o.key)).toBe(model.get(o.key));
        break;
      case 'peek':
        expect(real.peek(o.key)).toBe(model.peek(o.key));
        break;
      case 'has':
        expect(real.has(o.key)).toBe(model.peek(o.key) !== undefined);
        break;
      case 'peekEntry': {
        const count = model.accessCount(o.key);
        expect(real.peekEntry(o.key)?.accessCount).toBe(count);
        model.peek(o.key);
        break;
      }
      case 'delete':
        expect(real.delete(o.key)).toBe(model.delete(o.key));
        break;
      case 'set': {
        const ttl = withEvents ? o.ttl : undefined;
        const result = real.set(o.key, o.value, ttl === undefined ? undefined : { ttlMs: ttl });
        expect(result.ok).toBe(model.set(o.key, o.value, ttl));
        break;
      }
      case 'clear':
        real.clear();
        model.clear();
        completeSwitch();
        break;
      case 'resize':
        // A resize that changes the capacity finishes a switch under way first.
        if (o.capacity !== real.capacity) completeSwitch();
        real.resize(o.capacity);
        model.resize(o.capacity);
        break;
      case 'strategy':
        real.setStrategy(o.strategy);
        switchModel(o.strategy);
        break;
      case 'begin':
        real.beginStrategySwitch(o.strategy, 1);
        pending = o.strategy === modelStrategy ? null : o.strategy;
        expect(real.switchingStrategy).toBe(pending !== null);
        break;
      case 'step':
        if (real.continueStrategySwitch()) expect(real.lastSwitchStepEntries).toBeLessThanOrEqual(1);
        else completeSwitch();
        break;
      case 'via-tinylfu': {
        completeSwitch();
        const back = real.strategy;
        real.setStrategy('tinylfu');
        real.setStrategy(back);
        break;
      }
      case 'advance':
        t += o.ms;
        model.now = t;
        break;
      case 'reload':
        while (real.continueStrategySwitch());
        completeSwitch();
        real = Cache.load(JSON.parse(JSON.stringify(real.dump())), { ...options, capacity: real.capacity, strategy: real.strategy });
        model.reload();
        break;
    }
    // The deterministic removals must match exactly; what follows can only be the incremental
    // sweep, which may expire any entry that is expired in the model.
    if (!withEvents) model.events.length = 0;
    expect(events.slice(0, model.events.length)).toEqual(model.events);
    for (const [k, , reason] of events.slice(model.events.length)) {
      expect(reason).toBe('expire');
      expect(model.acceptSweep(k)).toBe(true);
    }
    if (observeOrder) expect([...real.keys()]).toEqual(model.liveKeys());
    expect(real.size).toBe(model.entries.size);
    expect(real.bytes).toBe(maxBytes === undefined ? 0 : model.bytes());
  }
  expect([...real.keys()]).toEqual(model.liveKeys());
  expect(real.stats()).toMatchObject({
    hits: model.hits,
    misses: model.misses,
    sets: model.sets,
    deletes: model.deletes,
    evictions: model.evictions,
    expirations: model.expirations,
  });
}

describe.each<ModelStrategy>(['lru', 'lfu'])('model-based (%s)', (strategy) => {
  it('agrees with the reference model on every result and every victim', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => check(strategy, ops)), { numRuns: 500 });
  });

  it('agrees without onEvict, TTL or byte budget (the plain write path)', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => check(strategy, ops, undefined, false)), { numRuns: 300 });
  });

  it('agrees when the order is only read at the end (buffered reads, runs of gets longer than the buffer)', () => {
    // Mostly reads, so that runs of more than READ_BUFFER (64) gets occur between other operations;
    // `size: 'max'` as fast-check otherwise keeps arrays to about ten elements.
    const readHeavy = fc.oneof({ weight: 30, arbitrary: fc.record({ op: fc.constant('get' as const), key }) }, { weight: 2, arbitrary: opArb });
    fc.assert(fc.property(fc.array(readHeavy, { maxLength: 300, size: 'max' }), (ops) => check(strategy, ops, undefined, true, false)), { numRuns: 30 });
    fc.assert(fc.property(fc.array(readHeavy, { maxLength: 300, size: 'max' }), (ops) => check(strategy, ops, undefined, false, false)), { numRuns: 30 });
  });

  it('agrees under a byte budget', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => check(strategy, ops, 14)), { numRuns: 300 });
  });
});
