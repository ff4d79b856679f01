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
