import { beladyHitRatio } from './belady.js';
import type { Competitor } from './competitors.js';
import {
  asKeys,
  loopKeys,
  oneHitBurstKeys,
  readTwiceKeys,
  scanPollutedKeys,
  shiftingHotSetKeys,
  zipfKeys,
  type Keys,
} from './traces.js';

export interface Trace {
  name: string;
  /** The key numbers, for the offline optimum. */
  ids: Int32Array;
  /** The same requests as the caches see them (strings like a server's keys). */
  keys: Keys;
}

/**
 * The traces, chosen so that winning one by losing another shows: skewed ones where frequency
 * wins (Zipf), and ones where recency or forgetting wins (a loop slightly larger than the
 * cache, a hot set that moves, bursts of one-hit wonders, scans, keys read twice a short
 * time apart).
 */
export function traces(capacity: number, length: number): Trace[] {
  const t = [
    { name: 'Zipf 0.8, keys 10x capacity', ids: zipfKeys(capacity * 10, 0.8, length, 11) },
    { name: 'Zipf 0.8, keys 100x capacity', ids: zipfKeys(capacity * 100, 0.8, length, 12) },
    { name: 'Zipf 0.99, keys 10x capacity', ids: zipfKeys(capacity * 10, 0.99, length, 13) },
    { name: 'Zipf 0.99, keys 100x capacity', ids: zipfKeys(capacity * 100, 0.99, length, 14) },
    { name: 'scan-polluted (Zipf 0.99 + 2x capacity scans)', ids: scanPollutedKeys(capacity, length, 15) },
    { name: 'shifting hot set (new hot keys every 50x capacity)', ids: shiftingHotSetKeys(capacity, length, 16) },
    { name: 'loop over 1.1x capacity keys', ids: loopKeys(capacity, length) },
    { name: 'one-hit-wonder bursts (Zipf 0.9)', ids: oneHitBurstKeys(capacity, length, 17) },
    { name: 'every key read twice, 0.2x capacity requests apart', ids: readTwiceKeys(capacity, length) },
  ];
  return t.map((trace) => ({ ...trace, keys: asKeys(trace.ids, 'string') }));
}

/**
 * Read-through simulation from a cold cache (every request counts, the first ones too): a
 * miss loads the key. Size limits are enforced after every write (transitory otherwise
 * overshoots its maxSize until its deferred maintenance runs).
 */
export function hitRatio(competitor: Competitor, capacity: number, trace: Trace): number {
  const cache = competitor.create(capacity);
  const hits = competitor.loops.readThroughStrict(cache, trace.keys);
  return hits / trace.keys.length;
}

export function optimum(capacity: number, trace: Trace): number {
  return beladyHitRatio(trace.ids, capacity);
}
