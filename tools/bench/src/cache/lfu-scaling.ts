import type { Competitor } from './competitors.js';
import { median } from './stats.js';
import { zipfKeys } from './traces.js';

export interface ScalingResult {
  capacity: number;
  lfuNs: number;
  lruNs: number;
  /** Median over rounds of LFU ns/op / LRU ns/op in the same round. */
  lfuOverLru: number;
}

/**
 * Our LFU against our LRU on a read-through Zipf 0.99 trace over 10x capacity keys, after a
 * warm-up that fills the cache. One cache per competitor and capacity, reused across rounds,
 * each round timing a fresh stretch of the trace.
 */
export function runLfuScaling(lfu: Competitor, lru: Competitor, capacities: number[], ops: number, rounds: number): ScalingResult[] {
  return capacities.map((capacity) => {
    const warm = zipfKeys(capacity * 10, 0.99, capacity * 3, 21);
    const caches = [lfu, lru].map((c) => {
      const cache = c.create(capacity);
      c.loops.readThrough(cache, warm);
      return cache;
    });
    const lfuTimes: number[] = [];
    const lruTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const keys = zipfKeys(capacity * 10, 0.99, ops, 100 + round);
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const c = i === 0 ? lfu : lru;
        globalThis.gc?.();
        const start = process.hrtime.bigint();
        c.loops.readThrough(caches[i], keys);
        const ns = Number(process.hrtime.bigint() - start) / ops;
        (i === 0 ? lfuTimes : lruTimes).push(ns);
      }
    }
    return {
      capacity,
      lfuNs: median(lfuTimes),
      lruNs: median(lruTimes),
      lfuOverLru: median(lfuTimes.map((t, i) => t / lruTimes[i])),
    };
  });
}
