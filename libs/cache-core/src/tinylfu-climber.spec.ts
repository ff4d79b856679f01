import { hashKey } from './frequency-sketch.js';
import { TinyLfuPolicy } from './tinylfu-policy.js';

/** Small, so that the climber's samples (40 x capacity requests) are quick to take. */
const CAPACITY = 250;

/**
 * Drives a TinyLfuPolicy as the cache does (read-through: a miss inserts, evicting the
 * policy's victim at full capacity) and records the window size after every `every` requests.
 */
function run(trace: Iterable<number>, every: number): { hitRatioOfLastQuarter: number; windows: number[] } {
  const policy = new TinyLfuPolicy(CAPACITY, CAPACITY);
  const slotOf = new Map<number, number>();
  const keyOf: number[] = [];
  const hitsAt: boolean[] = [];
  const windows: number[] = [];
  for (const key of trace) {
    const slot = slotOf.get(key);
    if (slot !== undefined) {
      policy.touch(slot);
    } else if (slotOf.size < CAPACITY) {
      slotOf.set(key, slotOf.size);
      keyOf.push(key);
      policy.add(slotOf.size - 1, hashKey(key));
    } else {
      const victim = policy.victim();
      slotOf.delete(keyOf[victim]);
      keyOf[victim] = key;
      slotOf.set(key, victim);
      policy.recycle(victim, hashKey(key));
    }
    hitsAt.push(slot !== undefined);
    if (hitsAt.length % every === 0) windows.push(policy.windowCapacity);
  }
  const tail = hitsAt.slice(Math.floor(hitsAt.length * 0.75));
  return { hitRatioOfLastQuarter: tail.filter(Boolean).length / tail.length, windows };
}

/**
 * Recency: every key is read twice, the second read 1 to capacity/2 requests after the first
 * (the gaps cycle). LRU hits every second read (50%); a window of w entries catches the gaps
 * shorter than about w, so each step up pays and the climber should keep climbing.
 */
function readTwiceSpread(requests: number): Int32Array {
  const maxGap = CAPACITY / 2;
  const out = new Int32Array(requests).fill(-1);
  let next = 0;
  let gap = 0;
  for (let t = 0; t < requests; t++) {
    if (out[t] !== -1) continue;
    const key = next++;
    out[t] = key;
    let at = t + 1 + (gap++ % maxGap);
    while (at < requests && out[at] !== -1) at++;
    if (at < requests) out[at] = key;
  }
  return out;
}

/**
 * The plateau: every key read twice, always 0.2 x capacity requests apart (the benchmark's
 * read-twice trace). Every window below about 0.1 x capacity entries gets the same (no) hits,
 * so the climber's samples show no gain; only the ghosts of rejected candidates, missed again
 * soon after, say that a larger window would have hit.
 */
function readTwiceFixedGap(requests: number): Int32Array {
  const gap = CAPACITY / 10;
  const out = new Int32Array(requests);
  for (let i = 0; i < requests; i++) {
    const j = i >> 1;
    out[i] = (i & 1) === 0 ? j : j >= gap ? j - gap : requests + j;
  }
  return out;
}

const HOT = 0.9 * CAPACITY;

/**
 * Frequency: half the requests go to 0.9 x capacity recurring keys, half to keys never seen
 * again. Every entry the window takes from the main part costs hits, so a climber that moves
 * the right way keeps the window small.
 */
function* hotSetAndOneOffs(requests: number): Generator<number> {
  let x = 0x2545f491;
  for (let i = 0; i < requests; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield (x & 1) === 0 ? (x >>> 1) % HOT : CAPACITY + i;
  }
}

/**
 * A hot set that moves (the benchmark's shifting trace): Zipf 0.99 over 10 x capacity keys,
 * and every 50 x capacity requests a wholly new key space. Yesterday's hot keys sit in the
 * protected part with high counts; today's must find room on probation to prove themselves.
 */
function* movingHotSet(requests: number): Generator<number> {
  const space = 10 * CAPACITY;
  // Zipf by inverse transform over a cumulative table of 1/rank^0.99.
  const cumulative = new Float64Array(space);
  for (let rank = 1, sum = 0; rank <= space; rank++) cumulative[rank - 1] = sum += rank ** -0.99;
  let x = 0x6b43a9b5;
  for (let i = 0; i < requests; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const target = ((x >>> 0) / 2 ** 32) * cumulative[space - 1];
    let lo = 0;
    for (let hi = space - 1; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    yield Math.floor(i / (50 * CAPACITY)) * space + lo;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('TinyLFU hill climber', () => {
  it('grows the window on a recency trace', () => {
    const { hitRatioOfLastQuarter, windows } = run(readTwiceSpread(600 * CAPACITY), 40 * CAPACITY);
    // It starts at 1% of the capacity.
    expect(median(windows.slice(windows.length / 2))).toBeGreaterThan(0.25 * CAPACITY);
    expect(hitRatioOfLastQuarter).toBeGreaterThan(0.45); // LRU: 0.5
  });

  it('leaves the plateau of keys read twice a fixed distance apart', () => {
    const { hitRatioOfLastQuarter, windows } = run(readTwiceFixedGap(100 * CAPACITY), 10 * CAPACITY);
    expect(windows[windows.length - 1]).toBeGreaterThanOrEqual(0.1 * CAPACITY);
    expect(hitRatioOfLastQuarter).toBeGreaterThan(0.45); // LRU: 0.5; without the ghosts: 0.02
  });

  it('holds a loop slightly larger than the cache', () => {
    // Every key comes back 1.1 x capacity requests after its last use: no window can hit it, so
    // rejected candidates must not count as window regrets (dated from their eviction, they did,
    // and grew the window until the loop missed: 0.66 at 1,000 entries).
    const span = Math.ceil(1.1 * CAPACITY);
    const loop = Int32Array.from({ length: 400 * CAPACITY }, (_, i) => i % span);
    const { hitRatioOfLastQuarter } = run(loop, 40 * CAPACITY);
    expect(hitRatioOfLastQuarter).toBeGreaterThan(0.85); // Belady: about 0.9; LRU: 0
  });

  it('lets a hot set that moves in, by moving the protected share', () => {
    const { hitRatioOfLastQuarter } = run(movingHotSet(400 * CAPACITY), 40 * CAPACITY);
    // With protected fixed at 90% of the main part: 0.622 (the trace is seeded, so exact).
    expect(hitRatioOfLastQuarter).toBeGreaterThan(0.63);
  });

  it('keeps the window small on a frequency trace', () => {
    const { hitRatioOfLastQuarter, windows } = run(hotSetAndOneOffs(600 * CAPACITY), 40 * CAPACITY);
    // It probes larger windows now and then (steps of 6.25%), and comes back.
    expect(median(windows)).toBeLessThanOrEqual(Math.ceil(0.01 * CAPACITY));
    expect(hitRatioOfLastQuarter).toBeGreaterThan(0.48);
  });
});
