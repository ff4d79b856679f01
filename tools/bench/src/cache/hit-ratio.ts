import type { Competitor } from './competitors.js';
import { asKeys, scanPollutedKeys, shiftingHotSetKeys, zipfKeys, type Keys } from './traces.js';

export interface Trace {
  name: string;
  keys: Keys;
}

export function traces(capacity: number, length: number): Trace[] {
  const t: Trace[] = [
    { name: 'Zipf 0.8, keys 10x capacity', keys: zipfKeys(capacity * 10, 0.8, length, 11) },
    { name: 'Zipf 0.8, keys 100x capacity', keys: zipfKeys(capacity * 100, 0.8, length, 12) },
    { name: 'Zipf 0.99, keys 10x capacity', keys: zipfKeys(capacity * 10, 0.99, length, 13) },
    { name: 'Zipf 0.99, keys 100x capacity', keys: zipfKeys(capacity * 100, 0.99, length, 14) },
    { name: 'scan-polluted (Zipf 0.99 + 2x capacity scans)', keys: scanPollutedKeys(capacity, length, 15) },
    { name: 'shifting hot set (new hot keys every 50x capacity)', keys: shiftingHotSetKeys(capacity, length, 16) },
  ];
  return t.map((trace) => ({ ...trace, keys: asKeys(trace.keys as Int32Array, 'string') }));
}

/**
 * Read-through simulation: a miss loads the key. Size limits are enforced after every write
 * (transitory otherwise overshoots its maxSize until its deferred maintenance runs).
 */
export function hitRatio(competitor: Competitor, capacity: number, trace: Trace): number {
  const cache = competitor.create(capacity);
  const hits = competitor.loops.readThroughStrict(cache, trace.keys);
  return hits / trace.keys.length;
}
