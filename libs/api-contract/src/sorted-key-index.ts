import { encodeCursor, type KeyPage, type KeyPageRequest } from './key-page.js';
import type { CacheKey } from './schemas/primitives.js';

/** Chunks are split past twice this size; kept small so a splice moves few pointers. */
const CHUNK = 512;

const lowerBound = (sorted: readonly string[], key: string): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * The least string above every string that starts with `prefix` (its last code unit plus one),
 * or undefined when none exists (a prefix of U+FFFF units only).
 */
const prefixEnd = (prefix: string): string | undefined => {
  let end = prefix;
  while (end.length > 0 && end.charCodeAt(end.length - 1) === 0xffff) end = end.slice(0, -1);
  return end.length === 0 ? undefined : end.slice(0, -1) + String.fromCharCode(end.charCodeAt(end.length - 1) + 1);
};

/**
 * Every key of a cache in code-unit order, for paging a large cache: a list of sorted chunks
 * (as in Python's sortedcontainers), so add and delete cost O(log n + chunk) and a page costs
 * O(log n + limit) instead of a pass over every key ({@link selectKeyPage}). The server keeps
 * one in step with its cache through the cache's change and eviction callbacks.
 */
export class SortedKeyIndex {
  private chunks: string[][] = [];
  /** Last key of each chunk, for the binary search that finds a key's chunk. */
  private maxes: string[] = [];
  private count = 0;

  static from(keys: Iterable<CacheKey>): SortedKeyIndex {
    const index = new SortedKeyIndex();
    index.reset(keys);
    return index;
  }

  /** Replaces the content with `keys`: one sort, cheaper than adding them one by one. */
  reset(keys: Iterable<CacheKey>): void {
    // Default sort compares UTF-16 code units, the order every page uses.
    const sorted = [...new Set(keys)].sort();
    this.chunks = [];
    this.maxes = [];
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const chunk = sorted.slice(i, i + CHUNK);
      this.chunks.push(chunk);
      this.maxes.push(chunk[chunk.length - 1]);
    }
    this.count = sorted.length;
  }

  get size(): number {
    return this.count;
  }

  has(key: CacheKey): boolean {
    const i = lowerBound(this.maxes, key);
    if (i === this.chunks.length) return false;
    const chunk = this.chunks[i];
    return chunk[lowerBound(chunk, key)] === key;
  }

  /** Adds the key; adding a present key changes nothing. */
  add(key: CacheKey): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.maxes.push(key);
      this.count = 1;
      return;
    }
    const i = Math.min(lowerBound(this.maxes, key), this.chunks.length - 1);
    const chunk = this.chunks[i];
    const j = lowerBound(chunk, key);
    if (chunk[j] === key) return;
    chunk.splice(j, 0, key);
    this.count++;
    this.maxes[i] = chunk[chunk.length - 1];
    if (chunk.length > 2 * CHUNK) {
      const tail = chunk.splice(CHUNK);
      this.chunks.splice(i + 1, 0, tail);
      this.maxes.splice(i, 1, chunk[chunk.length - 1], tail[tail.length - 1]);
    }
  }

  delete(key: CacheKey): boolean {
    const i = lowerBound(this.maxes, key);
    if (i === this.chunks.length) return false;
    const chunk = this.chunks[i];
    const j = lowerBound(chunk, key);
    if (chunk[j] !== key) return false;
    chunk.splice(j, 1);
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(i, 1);
      this.maxes.splice(i, 1);
    } else {
      this.maxes[i] = chunk[chunk.length - 1];
    }
    return true;
  }

  clear(): void {
    this.chunks = [];
    this.maxes = [];
    this.count = 0;
  }

  /** Same contract as {@link selectKeyPage}: the next `limit` keys after `after` with `prefix`. */
  page(request: KeyPageRequest): KeyPage {
    const { prefix = '', after, limit } = request;
    // Keys with a prefix are one contiguous run: start at the later of the prefix and the
    // cursor, stop at the first key outside the prefix.
    const strict = after !== undefined && after >= prefix;
    const start = strict ? after : prefix;
    let i = lowerBound(this.maxes, start);
    let j = i < this.chunks.length ? lowerBound(this.chunks[i], start) : 0;
    const keys: string[] = [];
    for (; i < this.chunks.length; i++, j = 0) {
      const chunk = this.chunks[i];
      for (; j < chunk.length; j++) {
        const key = chunk[j];
        if (strict && key === after) continue;
        if (!key.startsWith(prefix)) return this.finish(keys, limit);
        keys.push(key);
        if (keys.length > limit) return this.finish(keys, limit);
      }
    }
    return this.finish(keys, limit);
  }

  /** How many keys start with `prefix` (all of them for `''`), without walking them. */
  countPrefix(prefix: string): number {
    if (prefix === '') return this.count;
    const end = prefixEnd(prefix);
    return (end === undefined ? this.count : this.rank(end)) - this.rank(prefix);
  }

  /**
   * Like {@link page} for the keys `match` accepts among those starting with `prefix`, looking at
   * no more than `budget` keys: a search over a large cache is bounded per request. When the
   * budget runs out first the page may be short (even empty) and `nextCursor` resumes after the
   * last key looked at.
   */
  scan(request: KeyPageRequest & { readonly match: (key: CacheKey) => boolean; readonly budget: number }): KeyPage {
    const { prefix = '', after, limit, match, budget } = request;
    const keys: string[] = [];
    let looked = 0;
    let last: string | undefined;
    for (const key of this.keysFrom(prefix, after)) {
      if (looked === budget) return { keys, nextCursor: encodeCursor(last as string) };
      looked++;
      last = key;
      if (!match(key)) continue;
      keys.push(key);
      if (keys.length > limit) return this.finish(keys, limit);
    }
    return { keys, nextCursor: null };
  }

  /** How many keys with `prefix` `match` accepts, looking at `budget` keys at most; `complete` false when it stopped there. */
  countMatching(prefix: string, match: (key: CacheKey) => boolean, budget: number): { count: number; complete: boolean } {
    let count = 0;
    let looked = 0;
    for (const key of this.keysFrom(prefix, undefined)) {
      if (looked === budget) return { count, complete: false };
      looked++;
      if (match(key)) count++;
    }
    return { count, complete: true };
  }

  /** The keys starting with `prefix`, in order, after `after` when given. */
  private *keysFrom(prefix: string, after: string | undefined): IterableIterator<CacheKey> {
    const strict = after !== undefined && after >= prefix;
    const start = strict ? after : prefix;
    let i = lowerBound(this.maxes, start);
    let j = i < this.chunks.length ? lowerBound(this.chunks[i], start) : 0;
    for (; i < this.chunks.length; i++, j = 0) {
      const chunk = this.chunks[i];
      for (; j < chunk.length; j++) {
        const key = chunk[j];
        if (strict && key === after) continue;
        if (!key.startsWith(prefix)) return;
        yield key;
      }
    }
  }

  /** Keys strictly less than `key`: chunk sizes before its chunk, then a search inside it. */
  private rank(key: string): number {
    const i = lowerBound(this.maxes, key);
    let n = 0;
    for (let c = 0; c < i; c++) n += this.chunks[c].length;
    return i < this.chunks.length ? n + lowerBound(this.chunks[i], key) : n;
  }

  *keys(): IterableIterator<CacheKey> {
    for (const chunk of this.chunks) yield* chunk;
  }

  private finish(keys: string[], limit: number): KeyPage {
    const more = keys.length > limit;
    const page = more ? keys.slice(0, limit) : keys;
    return { keys: page, nextCursor: more ? encodeCursor(page[page.length - 1]) : null };
  }
}
