import fc from 'fast-check';
import { CounterHistory } from './counter-history';

type Name = 'hits' | 'misses' | 'mem';

const sample = (at: number, hits: number, misses: number, mem = 0) => ({ at, values: { hits, misses, mem } });

describe('CounterHistory', () => {
  it('computes per-second rates from counter deltas', () => {
    const h = new CounterHistory<Name>(10);
    h.push(sample(1000, 0, 0));
    h.push(sample(3000, 100, 10));
    h.push(sample(4000, 150, 10));
    expect(h.intervalTimes()).toEqual([3, 4]);
    expect(h.rate('hits')).toEqual([50, 50]);
    expect(h.rate('misses')).toEqual([5, 0]);
  });

  it('leaves a gap when a counter goes backwards after a restart', () => {
    const h = new CounterHistory<Name>(10);
    h.push(sample(1000, 500, 0));
    h.push(sample(2000, 3, 0));
    h.push(sample(3000, 13, 0));
    expect(h.rate('hits')).toEqual([null, 10]);
  });

  it('gives the hit ratio of each interval and none when nothing was read', () => {
    const h = new CounterHistory<Name>(10);
    h.push(sample(0, 0, 0));
    h.push(sample(1000, 9, 1));
    h.push(sample(2000, 9, 1));
    h.push(sample(3000, 10, 4));
    expect(h.ratio('hits', 'misses')).toEqual([90, null, 25]);
  });

  it('ignores samples that are not newer and keeps at most maxSamples', () => {
    const h = new CounterHistory<Name>(3);
    expect(h.push(sample(1000, 1, 0))).toBe(true);
    expect(h.push(sample(1000, 2, 0))).toBe(false);
    h.push(sample(2000, 2, 0, 7));
    h.push(sample(3000, 3, 0, 8));
    h.push(sample(4000, 4, 0, 9));
    expect(h.length).toBe(3);
    expect(h.gauge('mem')).toEqual([8, 9]);
  });

  it('changes its revision on every accepted sample and on clear', () => {
    const h = new CounterHistory<Name>(3);
    const r0 = h.revision;
    h.push(sample(1, 0, 0));
    expect(h.revision).not.toBe(r0);
    const r1 = h.revision;
    h.clear();
    expect(h.revision).not.toBe(r1);
    expect(h.length).toBe(0);
  });

  it('integrates back to the counter total (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 1000 })), { minLength: 1, maxLength: 50 }),
        (steps) => {
          const h = new CounterHistory<Name>(100);
          let at = 0;
          let hits = 0;
          h.push(sample(at, hits, 0));
          for (const [dt, dh] of steps) {
            at += dt;
            hits += dh;
            h.push(sample(at, hits, 0));
          }
          const times = [0, ...h.intervalTimes()];
          const total = h.rate('hits').reduce<number>((sum, r, i) => sum + (r ?? 0) * (times[i + 1] - times[i]), 0);
          expect(total).toBeCloseTo(hits, 6);
        },
      ),
    );
  });
});
