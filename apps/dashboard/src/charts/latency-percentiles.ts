import { LATENCY_BUCKETS_MS } from '@meshcache/api-contract';

/**
 * The q-quantile (0..1) of the requests of one interval, from the increase of each cumulative
 * bucket over it (`increases[i]`: requests that took at most LATENCY_BUCKETS_MS[i], the last entry
 * all of them), interpolated linearly inside the bucket as Prometheus' histogram_quantile does.
 * null when no request finished in the interval. Past the last bound the answer is that bound:
 * the histogram only knows "more than 1 s".
 */
export function histogramQuantile(q: number, increases: readonly number[]): number | null {
  const total = increases[increases.length - 1];
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (increases[i] >= rank) {
      const below = i === 0 ? 0 : increases[i - 1];
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1];
      const inBucket = increases[i] - below;
      return inBucket === 0 ? lower : lower + (LATENCY_BUCKETS_MS[i] - lower) * ((rank - below) / inBucket);
    }
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1];
}
