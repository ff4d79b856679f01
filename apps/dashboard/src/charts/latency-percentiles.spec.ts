import { histogramQuantile } from './latency-percentiles';

// Buckets (ms): 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000, +Inf
const cumulative = (perBucket: number[]) => {
  let running = 0;
  return perBucket.map((n) => (running += n));
};

describe('histogramQuantile', () => {
  it('interpolates inside the bucket that holds the rank', () => {
    // 100 requests between 1 and 2.5 ms: the median lies half way.
    const inc = cumulative([0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(histogramQuantile(0.5, inc)).toBeCloseTo(1.75);
    expect(histogramQuantile(1, inc)).toBeCloseTo(2.5);
  });

  it('puts a slow tail in the percentiles that reach it', () => {
    const inc = cumulative([90, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0]);
    expect(histogramQuantile(0.5, inc)).toBeLessThanOrEqual(0.5);
    expect(histogramQuantile(0.99, inc)).toBeGreaterThan(100);
    expect(histogramQuantile(0.99, inc)).toBeLessThanOrEqual(250);
  });

  it('answers the last bound for requests slower than it, and null for an idle interval', () => {
    expect(histogramQuantile(0.99, cumulative([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]))).toBe(1000);
    expect(histogramQuantile(0.5, cumulative(new Array(11).fill(0)))).toBeNull();
  });
});
