import { makeMetrics } from '../test-support/fixtures';
import { MetricsHistory } from './metrics-history';

describe('MetricsHistory', () => {
  it('derives read and write rates and the hit ratio from pushed counters', () => {
    const h = new MetricsHistory();
    h.record(makeMetrics(1000));
    h.record(makeMetrics(2000, { hits: 80, misses: 20, sets: 50 }, {}, { heapUsed: 1024 }));
    const s = h.snapshot();
    expect(s.times).toEqual([2]);
    expect(s.reads).toEqual([100]);
    expect(s.writes).toEqual([50]);
    expect(s.hitRatio).toEqual([80]);
    expect(s.heapUsed).toEqual([1024]);
  });

  it('keeps the snapshot identity until a new sample arrives and notifies subscribers', () => {
    const h = new MetricsHistory();
    const listener = jest.fn();
    const unsubscribe = h.subscribe(listener);
    h.record(makeMetrics(1000));
    const first = h.snapshot();
    expect(h.snapshot()).toBe(first);
    h.record(makeMetrics(1000, { hits: 5 }));
    expect(listener).toHaveBeenCalledTimes(1);
    h.record(makeMetrics(2000, { hits: 5 }));
    expect(h.snapshot()).not.toBe(first);
    unsubscribe();
    h.record(makeMetrics(3000, { hits: 5 }));
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
