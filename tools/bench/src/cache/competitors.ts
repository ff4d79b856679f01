import { Cache } from '@meshcache/cache-core';
import { SieveCache } from '@neophi/sieve-cache';
import { LRUCache } from 'lru-cache';
import { LRUCache as MnemonistLRUCache, LRUMap as MnemonistLRUMap } from 'mnemonist';
import { newCache } from 'transitory';
import type { Keys } from './traces.js';

/** What a benchmark loop calls; `read` is the competitor's own lookup method. */
export interface BenchCache {
  set(key: number | string, value: number): unknown;
  cleanUp?(): void;
}

export type Loop = (cache: BenchCache, keys: Keys) => number;

export interface Loops {
  /** Reads every key, returns the number of hits. */
  get: Loop;
  /** Writes every key. */
  set: Loop;
  /** Reads every key and writes it on a miss, returns the number of hits. */
  readThrough: Loop;
  /** readThrough, calling cleanUp() after each write so size limits hold exactly. */
  readThroughStrict: Loop;
}

export interface Competitor {
  name: string;
  /**
   * `lru`: the LRU libraries our LRU's speed is held against. `lru`, `lfu` and `sieve` are the
   * peers of the hit-ratio table.
   */
  kind: 'ours' | 'lru' | 'lfu' | 'sieve';
  create(capacity: number): BenchCache;
  /** Fresh machine code per competitor (see compileLoops). */
  loops: Loops;
}

/**
 * Each competitor gets loops compiled from source of its own, so every call site in a timed
 * loop only ever sees one cache class: a shared loop would turn megamorphic and measure V8's
 * inline-cache misses instead of the caches. The source names its owner: V8 caches
 * `new Function` by source text, and loops of identical text shared one function, feedback and
 * machine code (until 2026-11-30 every competitor after the first shared its loops).
 */
export function compileLoops(owner: string, read: string): Loops {
  const make = (body: string) => new Function('cache', 'keys', `// ${owner}\n${body}`) as Loop;
  return {
    get: make(`let hits = 0; for (let i = 0; i < keys.length; i++) { if (cache.${read}(keys[i]) != null) hits++; } return hits;`),
    set: make(`for (let i = 0; i < keys.length; i++) cache.set(keys[i], i); return keys.length;`),
    readThrough: make(
      `let hits = 0; for (let i = 0; i < keys.length; i++) { const k = keys[i]; if (cache.${read}(k) != null) hits++; else cache.set(k, i); } return hits;`,
    ),
    readThroughStrict: make(
      `let hits = 0; for (let i = 0; i < keys.length; i++) { const k = keys[i]; if (cache.${read}(k) != null) hits++; else { cache.set(k, i); if (cache.cleanUp) cache.cleanUp(); } } return hits;`,
    ),
  };
}

export function competitors(): Competitor[] {
  return [
    {
      name: 'meshcache lru',
      kind: 'ours',
      create: (capacity) => new Cache<number | string, number>({ capacity, strategy: 'lru' }),
      loops: compileLoops('meshcache lru', 'get'),
    },
    {
      name: 'meshcache lfu',
      kind: 'ours',
      create: (capacity) => new Cache<number | string, number>({ capacity, strategy: 'lfu' }),
      loops: compileLoops('meshcache lfu', 'get'),
    },
    {
      name: 'meshcache tinylfu',
      kind: 'ours',
      create: (capacity) => new Cache<number | string, number>({ capacity, strategy: 'tinylfu' }),
      loops: compileLoops('meshcache tinylfu', 'get'),
    },
    {
      name: 'lru-cache',
      kind: 'lru',
      create: (capacity) => new LRUCache<number | string, number>({ max: capacity }),
      loops: compileLoops('lru-cache', 'get'),
    },
    {
      name: 'mnemonist LRUCache',
      kind: 'lru',
      create: (capacity) => new MnemonistLRUCache<number | string, number>(capacity),
      loops: compileLoops('mnemonist LRUCache', 'get'),
    },
    {
      name: 'mnemonist LRUMap',
      kind: 'lru',
      create: (capacity) => new MnemonistLRUMap<number | string, number>(capacity),
      loops: compileLoops('mnemonist LRUMap', 'get'),
    },
    {
      name: 'sieve-cache',
      kind: 'sieve',
      create: (capacity) => new SieveCache<number | string, number>(capacity),
      loops: compileLoops('sieve-cache', 'get'),
    },
    {
      name: 'transitory',
      kind: 'lfu',
      create: (capacity) => newCache<number | string, number>().maxSize(capacity).build() as unknown as BenchCache,
      loops: compileLoops('transitory', 'getIfPresent'),
    },
  ];
}
