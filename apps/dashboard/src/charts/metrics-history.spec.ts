import { makeMetrics } from '../test-support/fixtures';
import { MetricsHistory } from './metrics-history';

describe('MetricsHistory', () => {
  it('derives read and write rates and the hit ratio from pushed counters', () => {
    const h = new MetricsHistory();
    h.record(makeMetrics(1000));
    h.record(makeMetrics(2000, { hits: 80, misses: 20, sets: 50 }, { seq: 30, opsReceived: 20 }, { heapUsed: 1024 }));
    const s = h.snapshot();
    expect(s.times).toEqual([2]);
    expect(s.reads).toEqual([100]);
    expect(s.writes).toEqual([50]);
    expect(s.hitRatio).toEqual([80]);
    expect(s.heapUsed).toEqual([1024]);
  });

  it('does not count a snapshot load as writes', () => {
    const h = new MetricsHistory();
    h.record(makeMetrics(1000, { sets: 0 }, { seq: 0, opsReceived: 0 }));
    // 53,200 keys installed from a snapshot, 10 operations written meanwhile.
    h.record(makeMetrics(2000, { sets: 53_210 }, { seq: 4, opsReceived: 6, fullSyncs: 1 }));
    expect(h.snapshot().writes).toEqual([10]);
  });

  it('leaves a gap across an outage in every series, memory included', () => {
    const h = new MetricsHistory();
    h.record(makeMetrics(1000, { hits: 1 }, {}, { heapUsed: 100 }));
    h.record(makeMetrics(2000, { hits: 2 }, {}, { heapUsed: 110 }));
    h.markGap();
    h.record(makeMetrics(30_000, { hits: 50 }, {}, { heapUsed: 500 }));
    h.record(makeMetrics(31_000, { hits: 51 }, {}, { heapUsed: 510 }));
    const s = h.snapshot();
    expect(s.heapUsed).toEqual([110, null, 510]);
    expect(s.reads).toEqual([1, null, 1]);
    expect(s.hitRatio).toEqual([100, null, 100]);
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
