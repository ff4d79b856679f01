/** Seeded (mulberry32), so every competitor sees the very same trace. */
export { seededRandom } from '@meshcache/test-support';

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
