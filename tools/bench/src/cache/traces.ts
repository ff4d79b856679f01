import { seededRandom, zipfSampler } from './prng.js';

/** A trace as the caches see it: integer keys, or strings like a server's keys. */
export type Keys = Int32Array | string[];
export type KeyMode = 'string' | 'int';

const names: string[] = [];
/** Each key number maps to one string, built once, so timed loops allocate nothing. */
export function keyName(n: number): string {
  return (names[n] ??= `user:${n}:profile`);
}

export function asKeys(trace: Int32Array, mode: KeyMode): Keys {
  if (mode === 'int') return trace;
  const out = new Array<string>(trace.length);
  for (let i = 0; i < trace.length; i++) out[i] = keyName(trace[i]);
  return out;
}

export function sequentialKeys(from: number, count: number): Int32Array {
  const keys = new Int32Array(count);
  for (let i = 0; i < count; i++) keys[i] = from + i;
  return keys;
}

export function uniformKeys(from: number, span: number, count: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const keys = new Int32Array(count);
  for (let i = 0; i < count; i++) keys[i] = from + Math.floor(random() * span);
  return keys;
}

export function zipfKeys(keySpace: number, alpha: number, count: number, seed: number): Int32Array {
  const next = zipfSampler(keySpace, alpha, seededRandom(seed));
  const keys = new Int32Array(count);
  for (let i = 0; i < count; i++) keys[i] = next();
  return keys;
}

/**
 * Zipf 0.99 over 10x capacity, interrupted every 20x capacity requests by a scan of 2x
 * capacity keys that are never requested again (a batch job walking the key space).
 */
export function scanPollutedKeys(capacity: number, count: number, seed: number): Int32Array {
  const next = zipfSampler(capacity * 10, 0.99, seededRandom(seed));
  const keys = new Int32Array(count);
  let scanKey = capacity * 10;
  for (let i = 0; i < count; ) {
    for (let j = 0; j < capacity * 20 && i < count; j++) keys[i++] = next();
    for (let j = 0; j < capacity * 2 && i < count; j++) keys[i++] = scanKey++;
  }
  return keys;
}

/**
 * Zipf 0.99 over 10x capacity, but every 50x capacity requests the popular keys are replaced
 * by a wholly new set: yesterday's hot keys must not squat in the cache.
 */
export function shiftingHotSetKeys(capacity: number, count: number, seed: number): Int32Array {
  const space = capacity * 10;
  const next = zipfSampler(space, 0.99, seededRandom(seed));
  const keys = new Int32Array(count);
  const phase = capacity * 50;
  for (let i = 0; i < count; i++) keys[i] = Math.floor(i / phase) * space + next();
  return keys;
}

/** A loop over 1.1x capacity keys, again and again: LRU and FIFO miss every request. */
export function loopKeys(capacity: number, count: number): Int32Array {
  const span = Math.ceil(capacity * 1.1);
  const keys = new Int32Array(count);
  for (let i = 0; i < count; i++) keys[i] = i % span;
  return keys;
}

/**
 * Every key read exactly twice, 0.2 x capacity requests apart (new keys and second reads
 * alternate). Pure recency: LRU hits every second read (50%), while a frequency filter sees
 * each newcomer tie with the keys already cached, so only a window of 0.2 x capacity or more
 * keeps them (the TinyLFU weakness found in issue 13).
 */
export function readTwiceKeys(capacity: number, count: number): Int32Array {
  const gap = Math.max(1, Math.floor(capacity * 0.1));
  const keys = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const j = i >> 1;
    // Before the first second reads, fillers: keys never requested again.
    keys[i] = (i & 1) === 0 ? j : j >= gap ? j - gap : count + j;
  }
  return keys;
}

/**
 * Zipf 0.9 over 10x capacity; every 10x capacity requests comes a burst of 5x capacity
 * requests in which every other request is a key never seen before or after (a crawler, a
 * batch import): the one-hit wonders must not flush the popular keys.
 */
export function oneHitBurstKeys(capacity: number, count: number, seed: number): Int32Array {
  const next = zipfSampler(capacity * 10, 0.9, seededRandom(seed));
  const keys = new Int32Array(count);
  let wonder = capacity * 10;
  for (let i = 0; i < count; ) {
    for (let j = 0; j < capacity * 10 && i < count; j++) keys[i++] = next();
    for (let j = 0; j < capacity * 5 && i < count; j++) keys[i++] = j % 2 === 0 ? wonder++ : next();
  }
  return keys;
}
