/** Counters saturate here, as TinyLFU's 4-bit counters do. */
const MAX_COUNT = 15;
/** Every counter is halved after this many x capacity increments (Caffeine's sample size). */
const DECAY_SPAN = 10;
/** The four counters of a key sit in one 64-byte block: one cache miss per access, not four. */
const BLOCK = 64;
/**
 * Cells (bytes) per unit of capacity while the sketch is at most SMALL_SIZE: between two
 * halvings up to 10 x capacity distinct keys are counted, and with 8 cells per entry nearly
 * every key shares all four of its cells with others (the 1,000-entry caches of the benchmark
 * lost 0.3–0.7 points of hit ratio to SIEVE that way; 32 cells won them back).
 */
const SMALL_CELLS_PER_ENTRY = 32;
/** 1 MiB: a sketch this small is cheap whatever the cache holds; beyond it, memory per entry counts. */
const SMALL_SIZE = 1 << 20;
/** Cells per unit of capacity beyond SMALL_SIZE (2 cells in 2 bytes lost 0.5–1 point on Zipf). */
const CELLS_PER_ENTRY = 8;
/** 4 MiB: beyond about 512k entries the sketch stops growing and just collides more. */
const MAX_SIZE = 1 << 22;

/**
 * A count-min sketch of recent accesses, including to keys no longer cached: the frequency
 * estimate TinyLFU admission compares (Einziger, Friedman & Manes, 2017). Four 8-bit cells
 * per key, one in each 16-cell quarter of a 64-byte block as in Caffeine's block sketch,
 * capped at 15. Its size is a power of two: 32 bytes per unit of capacity up to 1 MiB (caches
 * of up to 32k entries), and from there 8 bytes per unit of capacity up to 4 MiB, so a cache
 * of 100k entries keeps the 1 MiB it had. Collisions are what limit small caches: their
 * sketch counts 10x capacity keys between halvings in a few thousand cells.
 *
 * It forgets as Caffeine does: after DECAY_SPAN x capacity increments every cell is halved in
 * one pass over the words, 4 cells at a time. That pass is O(size), once per 10 x capacity
 * increments: about 0.2 word operations per increment, amortised. Halving all cells at once
 * keeps the ranking of keys intact; halving a word at a time (tried first) made cells of
 * different ages disagree, which let equal-frequency keys displace each other in loops.
 */
export class FrequencySketch {
  private readonly cells: Uint8Array;
  private readonly words: Uint32Array;
  private readonly blockMask: number;
  private readonly resetEvery: number;
  private ticks = 0;

  constructor(capacity: number) {
    // At least 16 blocks, so that the few keys of a tiny cache rarely share one.
    let size = BLOCK * 16;
    while (size < capacity * SMALL_CELLS_PER_ENTRY && size < SMALL_SIZE) size *= 2;
    while (size < capacity * CELLS_PER_ENTRY && size < MAX_SIZE) size *= 2;
    this.blockMask = size / BLOCK - 1;
    this.cells = new Uint8Array(size);
    this.words = new Uint32Array(this.cells.buffer);
    this.resetEvery = Math.max(16, DECAY_SPAN * capacity);
  }

  increment(hash: number): void {
    const cells = this.cells;
    const base = (hash & this.blockMask) * BLOCK;
    const h = Math.imul(hash, 0x9e3779b1);
    const a = base + ((hash >>> 20) & 15);
    const b = base + 16 + (h >>> 28);
    const c = base + 32 + ((h >>> 24) & 15);
    const d = base + 48 + ((h >>> 20) & 15);
    if (cells[a] < MAX_COUNT) cells[a]++;
    if (cells[b] < MAX_COUNT) cells[b]++;
    if (cells[c] < MAX_COUNT) cells[c]++;
    if (cells[d] < MAX_COUNT) cells[d]++;
    if (++this.ticks === this.resetEvery) {
      this.ticks = 0;
      const words = this.words;
      for (let i = 0; i < words.length; i++) words[i] = (words[i] >>> 1) & 0x7f7f7f7f;
    }
  }

  estimate(hash: number): number {
    const cells = this.cells;
    const base = (hash & this.blockMask) * BLOCK;
    const h = Math.imul(hash, 0x9e3779b1);
    const x = Math.min(cells[base + ((hash >>> 20) & 15)], cells[base + 16 + (h >>> 28)]);
    const y = Math.min(cells[base + 32 + ((h >>> 24) & 15)], cells[base + 48 + ((h >>> 20) & 15)]);
    return x < y ? x : y;
  }
}

/**
 * A non-negative 31-bit hash of a key's content, or -1 for keys without stable content
 * (objects, symbols), for which the in-cache access count stands in for the sketch. Strings
 * longer than 64 characters are hashed by length and their first and last 32 characters, so
 * the cost is bounded.
 */
export function hashKey(key: unknown): number {
  if (typeof key === 'string') return hashString(key);
  if (typeof key === 'number') {
    if ((key | 0) === key) return mix(key);
    return hashString(String(key));
  }
  if (typeof key === 'boolean') return key ? 1 : 2;
  if (typeof key === 'bigint') return hashString(key.toString());
  return -1;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 1;
}

/** FNV-1a over pairs of UTF-16 units: half the multiplications of the per-unit form. */
function hashString(s: string): number {
  const n = s.length;
  let h = 0x811c9dc5 ^ n;
  const from = n <= 64 ? 0 : n - 32;
  const headEnd = n <= 64 ? n : 32;
  let i = 0;
  for (; i + 1 < headEnd; i += 2) h = Math.imul(h ^ (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)), 0x01000193);
  if (i < headEnd) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  if (from !== 0) {
    for (i = from; i + 1 < n; i += 2) h = Math.imul(h ^ (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)), 0x01000193);
  }
  return mix(h);
}
