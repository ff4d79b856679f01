/** mulberry32: a small seeded PRNG, so every competitor sees the very same trace. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Zipf-like ranks in [0, n) with exponent `alpha` (alpha != 1), by inverting the CDF of the
 * continuous power law: O(1) per draw and no table, so key spaces of 10M cost nothing.
 */
export function zipfSampler(n: number, alpha: number, random: () => number): () => number {
  const e = 1 - alpha;
  const top = Math.pow(n + 1, e) - 1;
  return () => {
    const rank = Math.floor(Math.pow(top * random() + 1, 1 / e)) - 1;
    return rank < n ? rank : n - 1;
  };
}
