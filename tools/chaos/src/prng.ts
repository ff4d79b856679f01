/** Seeded (mulberry32), so a seed replays the same schedule and the same client choices. */
export { seededRandom } from '@meshcache/test-support';

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];
export const between = (random: () => number, lo: number, hi: number): number => lo + random() * (hi - lo);
