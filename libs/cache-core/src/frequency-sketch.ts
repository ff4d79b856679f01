/** Counters saturate here, as TinyLFU's 4-bit counters do. */
const MAX_COUNT = 15;
/** One word of counters is halved every this many increments. */
const DECAY_EVERY = 8;
/** Both counters of a key sit in one 64-byte block: one cache miss per access, not two. */
const BLOCK = 64;
/** 4 MiB: beyond about 2M entries the sketch stops growing and just collides more. */
const MAX_SIZE = 1 << 22;

/**
 * A count-min sketch of recent accesses, including to keys no longer cached: the frequency
 * estimate TinyLFU admission compares (Einziger, Friedman & Manes, 2017). Two 8-bit cells per
 * key, capped at 15, chosen inside one 64-byte block as in Caffeine's block sketch; 2 bytes
 * per unit of capacity, rounded up to a power of two. (Four cells per key gave the same hit
 * ratios on the benchmark traces at a higher cost per access.)
 *
 * It forgets in O(1): every DECAY_EVERY increments, one 32-bit word (4 cells) at a cursor is
 * halved, so each cell is halved once per DECAY_EVERY x (size / 4) increments, with no
 * periodic full reset.
 */
export class FrequencySketch {
  private readonly cells: Uint8Array;
  private readonly words: Uint32Array;
  private readonly blockMask: number;
  private cursor = 0;
  private ticks = 0;

  constructor(capacity: number) {
    // At least 16 blocks, so that the few keys of a tiny cache rarely share one.
    let size = BLOCK * 16;
    while (size < capacity * 2 && size < MAX_SIZE) size *= 2;
    this.blockMask = size / BLOCK - 1;
    this.cells = new Uint8Array(size);
    this.words = new Uint32Array(this.cells.buffer);
  }

  increment(hash: number): void {
    const cells = this.cells;
    const base = (hash & this.blockMask) * BLOCK;
    const a = base + ((hash >>> 20) & 31);
    const b = base + 32 + (Math.imul(hash, 0x9e3779b1) >>> 27);
    if (cells[a] < MAX_COUNT) cells[a]++;
    if (cells[b] < MAX_COUNT) cells[b]++;
    if (++this.ticks === DECAY_EVERY) {
      this.ticks = 0;
      const words = this.words;
      const c = this.cursor;
      words[c] = (words[c] >>> 1) & 0x7f7f7f7f;
      this.cursor = c + 1 === words.length ? 0 : c + 1;
    }
  }

  estimate(hash: number): number {
    const cells = this.cells;
    const base = (hash & this.blockMask) * BLOCK;
    const x = cells[base + ((hash >>> 20) & 31)];
    const y = cells[base + 32 + (Math.imul(hash, 0x9e3779b1) >>> 27)];
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
