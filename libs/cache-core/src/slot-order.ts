/**
 * Orders for rebuilding a policy (`setStrategy`, `resize`) in linear time. A comparison sort of
 * a million slots is an O(n log n) block of the event loop — about a second on a busy machine —
 * in the middle of a replicated strategy switch; the keys sorted here (access stamps, access
 * counts) are unsigned 32-bit integers, so a radix sort does it in at most four passes.
 */

const DIGIT_BITS = 8;
const DIGITS = 1 << DIGIT_BITS;

/**
 * `items` reordered by `keys` (`keys[i]` belongs to `items[i]`), ascending and stable: items
 * with equal keys keep their order. LSD radix sort, 8 bits per pass; a pass whose digit is the
 * same in every key is skipped (access counts below 256 take one pass). Neither input changes.
 */
export function sortByKey(items: Int32Array, keys: Uint32Array): Int32Array {
  const steps = sortByKeyInSteps(items, keys, Infinity);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * `sortByKey` as a generator that yields after every `step` items a pass reads (at most `step`
 * items are read or moved between two yields; a pass has two reads and a move per item), so a
 * strategy switch can sort a million stamps without holding the event loop (strategy-switch.ts).
 * The inputs must not change until it returns.
 */
export function* sortByKeyInSteps(items: Int32Array, keys: Uint32Array, step: number): Generator<void, Int32Array> {
  const n = items.length;
  let anyBits = 0;
  let allBits = -1;
  for (let from = 0; from < n; from += step) {
    if (from !== 0) yield;
    for (let i = from, end = Math.min(n, from + step); i < end; i++) {
      anyBits |= keys[i];
      allBits &= keys[i];
    }
  }
  const varying = (anyBits ^ allBits) >>> 0;
  let fromItems = items;
  let fromKeys = keys;
  let toItems: Int32Array | null = null;
  let toKeys: Uint32Array | null = null;
  const starts = new Int32Array(DIGITS);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    if (((varying >>> shift) & (DIGITS - 1)) === 0) continue;
    if (toItems === null || toKeys === null || toItems === items) {
      toItems = new Int32Array(n);
      toKeys = new Uint32Array(n);
    }
    starts.fill(0);
    for (let from = 0; from < n; from += step) {
      yield;
      for (let i = from, end = Math.min(n, from + step); i < end; i++) starts[(fromKeys[i] >>> shift) & (DIGITS - 1)]++;
    }
    for (let d = 0, at = 0; d < DIGITS; d++) {
      const count = starts[d];
      starts[d] = at;
      at += count;
    }
    for (let from = 0; from < n; from += step) {
      yield;
      for (let i = from, end = Math.min(n, from + step); i < end; i++) {
        const key = fromKeys[i];
        const to = starts[(key >>> shift) & (DIGITS - 1)]++;
        toItems[to] = fromItems[i];
        toKeys[to] = key;
      }
    }
    [fromItems, toItems] = [toItems, fromItems];
    [fromKeys, toKeys] = [toKeys, fromKeys];
  }
  if (fromItems !== items) return fromItems;
  // No pass ran (every key equal): a copy, in steps too.
  const copy = new Int32Array(n);
  for (let from = 0; from < n; from += step) {
    yield;
    copy.set(items.subarray(from, Math.min(n, from + step)), from);
  }
  return copy;
}

/** 0, 1, …, n-1. */
export function positions(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
