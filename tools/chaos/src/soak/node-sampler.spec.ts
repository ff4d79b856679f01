import { monitorEventLoopDelay } from 'node:perf_hooks';
import { delayFromInterval, NODE_LAG_RESOLUTION_MS } from './node-sampler.js';

describe('event-loop delay from monitorEventLoopDelay', () => {
  it('records the interval between its timer callbacks, so even an idle loop reads about the resolution', async () => {
    const histogram = monitorEventLoopDelay({ resolution: NODE_LAG_RESOLUTION_MS });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 40 * NODE_LAG_RESOLUTION_MS));
    histogram.disable();
    // An interval cannot be much shorter than the timer's period, however busy the machine;
    // a histogram of the lateness alone would hold values near 0 on an idle loop.
    expect(histogram.count).toBeGreaterThan(3);
    expect(histogram.min / 1e6).toBeGreaterThanOrEqual(0.8 * NODE_LAG_RESOLUTION_MS);
  });

  it('the delay is the interval less the resolution, never negative', () => {
    expect(delayFromInterval(10.3, 10)).toBeCloseTo(0.3);
    expect(delayFromInterval(76, 10)).toBe(66);
    expect(delayFromInterval(9.1, 10)).toBe(0);
  });
});
