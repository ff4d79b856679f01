import type { Hlc } from '@meshcache/sync-protocol';

/** Number of digest buckets: a differing key ships about 1/DIGEST_BUCKETS of the keyspace. */
export const DIGEST_BUCKETS = 1024;

/** 32-bit FNV-1a over UTF-16 code units: fast, and identical on every node. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function bucketOf(key: string): number {
  return fnv1a(key) & (DIGEST_BUCKETS - 1);
}

/** Hash of one (key, stamp, kind) fact; buckets combine them by XOR, so order does not matter. */
export function factHash(key: string, hlc: Hlc, tombstone: boolean): number {
  return fnv1a(`${tombstone ? 'd' : 's'}|${hlc.wall}|${hlc.logical}|${hlc.node}`, fnv1a(key));
}
