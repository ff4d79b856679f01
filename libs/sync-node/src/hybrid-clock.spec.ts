import fc from 'fast-check';
import { compareHlc } from '@meshcache/sync-protocol';
import { HybridClock } from './hybrid-clock.js';

describe('HybridClock', () => {
  it('issues strictly increasing timestamps even when the physical clock stalls or goes back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 50 }), (times) => {
        let i = 0;
        const clock = new HybridClock('a#1', () => times[Math.min(i++, times.length - 1)], 1000);
        let last = clock.tick();
        for (let k = 1; k < times.length; k++) {
          const next = clock.tick();
          expect(compareHlc(next, last)).toBeGreaterThan(0);
          last = next;
        }
      }),
    );
  });

  it('ticks past any observed remote timestamp within the offset, and refuses one beyond it', () => {
    const clock = new HybridClock('a#1', () => 1000, 500);
    expect(clock.observe({ wall: 1400, logical: 7, node: 'b#1' })).toEqual({ ok: true });
    expect(clock.tick()).toEqual({ wall: 1400, logical: 8, node: 'a#1' });
    const refused = clock.observe({ wall: 1501, logical: 0, node: 'c#1' });
    expect(refused).toMatchObject({ ok: false, code: 'CLOCK_SKEW' });
    expect(clock.peek().wall).toBe(1400);
  });
});
