import fc from 'fast-check';
import { compareHlc } from '@meshcache/sync-protocol';
import { HybridClock } from './hybrid-clock.js';

describe('HybridClock', () => {
  it('issues strictly increasing timestamps even when the physical clock stalls or goes back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 50 }), (times) => {
        let i = 0;
        const clock = new HybridClock('a#1', () => times[Math.min(i++, times.length - 1)]);
        let last = clock.tick();
        for (let k = 1; k < times.length; k++) {
          const next = clock.tick();
          expect(compareHlc(next, last)).toBeGreaterThan(0);
          last = next;
        }
      }),
    );
  });

  it('ticks past any adopted remote timestamp', () => {
    const clock = new HybridClock('a#1', () => 1000);
    clock.advanceTo({ wall: 1400, logical: 7, node: 'b#1' });
    expect(clock.tick()).toEqual({ wall: 1400, logical: 8, node: 'a#1' });
    clock.advanceTo({ wall: 900, logical: 0, node: 'c#1' });
    expect(clock.peek().wall).toBe(1400);
  });
});
