import { setFlagsFromString } from 'node:v8';
import { Cache, STRATEGIES } from './index.js';

/**
 * V8 gives objects built alike one hidden class (map) and compiles property accesses against
 * it. A field whose first value is a small integer and which later holds a fraction moves its
 * object to a new map, and the objects built before keep the old one. Code shared by every
 * strategy (`Cache.get`, `set`) checks the policy's map, so each new map deoptimised it for all
 * strategies: in the throughput benchmark that happened every round (docs/BENCHMARKS.md).
 */
setFlagsFromString('--allow-natives-syntax');
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
const inside = (o: object, field: string) => (o as unknown as Record<string, object>)[field];

describe('hidden classes (V8 maps) of the policies', () => {
  it.each(STRATEGIES)('%s: a cache built before another one ran a long workload keeps the same policy map', (strategy) => {
    const fresh = new Cache<number, number>({ capacity: 100, strategy });
    const worked = new Cache<number, number>({ capacity: 100, strategy });
    // A loop over 1.1x capacity keys: TinyLFU climbs (every 4,000 requests) and hits ghosts,
    // which leaves fractions in its step bookkeeping.
    for (let i = 0; i < 20_000; i++) {
      const k = i % 110;
      if (worked.get(k) === undefined) worked.set(k, i);
    }
    const a = inside(fresh, 'policy');
    const b = inside(worked, 'policy');
    expect(sameMap(a, b)).toBe(true);
    for (const field of ['regrets', 'sketch']) if (field in a) expect(sameMap(inside(a, field), inside(b, field))).toBe(true);
    expect(sameMap(fresh, worked)).toBe(true);
  });
});
