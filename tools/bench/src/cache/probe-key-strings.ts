// What a string key's representation costs a lookup: meshcache lru's `get` and a plain `Map`'s,
// each over the same N keys in three forms of the same text, in random order.
//   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --expose-gc --import tsx \
//     tools/bench/src/cache/probe-key-strings.ts --capacities=1000,100000 --rounds=7
// The forms, all as V8 keeps them (the throughput table's keys are the first two):
//   cons — built by a template literal (`user:${n}:profile`, 13+ characters make a cons string),
//          then flattened by its first character read: a header that points to a flat copy;
//   thin — the same, then used as an object property name (as mnemonist LRUCache does), which
//          internalizes it: a header that points to the string table's copy;
//   flat — built by String.fromCharCode: header and characters in one object.
// A `Map` reads the hash V8 cached in the header; a content hash (meshcache's own table, used
// for string keys from STRING_TABLE_MIN entries on) reads the characters, which for cons and
// thin strings live in a second object. "len" reads `length` only: the header's cost alone.
import { Cache } from '@meshcache/cache-core';
import { seededRandom } from './prng.js';
import { fmt, markdownTable, median } from './stats.js';
import { wallClock } from './throughput.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const capacities = arg('capacities', '1000,100000').split(',').map(Number);
const rounds = Number(arg('rounds', '7'));
const ops = Number(arg('ops', '1000000'));

type Form = 'cons' | 'thin' | 'flat';
const FORMS: Form[] = ['cons', 'thin', 'flat'];

function keysIn(form: Form, count: number): string[] {
  const internalizer: Record<string, number> = Object.create(null);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const built = `user:${n}:profile`;
    if (form === 'flat') out.push(String.fromCharCode(...Array.from(built, (c) => c.charCodeAt(0))));
    else {
      if (form === 'thin') internalizer[built] = n;
      built.charCodeAt(0);
      out.push(built);
    }
  }
  return out;
}

function lookups(keys: string[], seed: number): string[] {
  const random = seededRandom(seed);
  const out = new Array<string>(ops);
  for (let i = 0; i < ops; i++) out[i] = keys[Math.floor(random() * keys.length)];
  return out;
}

// One loop per reader, so each call site sees one receiver type.
function readCache(cache: Cache<string, number>, trace: string[]): number {
  let sum = 0;
  for (let i = 0; i < trace.length; i++) sum += cache.get(trace[i]) as number;
  return sum;
}
function readMap(map: Map<string, number>, trace: string[]): number {
  let sum = 0;
  for (let i = 0; i < trace.length; i++) sum += map.get(trace[i]) as number;
  return sum;
}
function readLength(trace: string[]): number {
  let sum = 0;
  for (let i = 0; i < trace.length; i++) sum += trace[i].length;
  return sum;
}

function timed(run: () => number): number {
  globalThis.gc?.();
  const start = wallClock();
  if (run() < 0) throw new RangeError('unreachable: keeps the result alive');
  return Number(wallClock() - start) / ops;
}

for (const capacity of capacities) {
  const rows: (string | number)[][] = [];
  const times = new Map<string, number[]>();
  const setups = FORMS.map((form, i) => {
    const keys = keysIn(form, capacity);
    const cache = new Cache<string, number>({ capacity, strategy: 'lru' });
    const map = new Map<string, number>();
    keys.forEach((key, n) => {
      cache.set(key, n);
      map.set(key, n);
    });
    return { form, cache, map, trace: lookups(keys, 11 + i) };
  });
  for (let round = 0; round <= rounds; round++) {
    for (const { form, cache, map, trace } of setups) {
      const sample = [
        [`${form} cache`, timed(() => readCache(cache, trace))],
        [`${form} map`, timed(() => readMap(map, trace))],
        [`${form} len`, timed(() => readLength(trace))],
      ] as const;
      // Round 0 warms up (compiles the loops, faults the arrays in) and is not counted.
      if (round > 0) for (const [name, ns] of sample) times.set(name, [...(times.get(name) ?? []), ns]);
    }
  }
  for (const form of FORMS) {
    const ns = (what: string) => median(times.get(`${form} ${what}`) as number[]);
    rows.push([form, fmt(ns('cache'), 1), fmt(ns('map'), 1), fmt(ns('len'), 1), `${fmt(ns('cache') / ns('map'))}×`]);
  }
  process.stdout.write(`\n${capacity.toLocaleString('en-US')} keys, ${ops.toLocaleString('en-US')} random hits, median of ${rounds} rounds (ns per lookup)\n\n`);
  process.stdout.write(`${markdownTable(['key form', 'meshcache lru get', 'Map get', 'length only', 'cache / Map'], rows)}\n`);
}
