import { existsSync, readFileSync } from 'node:fs';
import type { BenchCache, Competitor, Loop } from './competitors.js';
import { median } from './stats.js';
import { asKeys, sequentialKeys, uniformKeys, zipfKeys, type KeyMode, type Keys } from './traces.js';

export interface Workload {
  name: string;
  /** Untimed: bring a fresh cache to the workload's starting state. */
  prepare(cache: BenchCache, competitor: Competitor): void;
  loop(competitor: Competitor): Loop;
  keys: Keys;
}

/** The four workloads of the issue at one capacity, on traces shared by every competitor. */
export function workloads(capacity: number, ops: number, mode: KeyMode): Workload[] {
  const k = (trace: Int32Array) => asKeys(trace, mode);
  const fill = k(sequentialKeys(0, capacity));
  const prefill = (cache: BenchCache, c: Competitor) => c.loops.set(cache, fill);
  const zipfWarm = k(zipfKeys(capacity * 10, 0.99, capacity * 4, 7));
  return [
    { name: 'set (evicting)', prepare: prefill, loop: (c) => c.loops.set, keys: k(sequentialKeys(capacity, ops)) },
    { name: 'get hit', prepare: prefill, loop: (c) => c.loops.get, keys: k(uniformKeys(0, capacity, ops, 1)) },
    { name: 'get miss', prepare: prefill, loop: (c) => c.loops.get, keys: k(uniformKeys(capacity, capacity, ops, 2)) },
    {
      name: 'mixed Zipf 0.99 read-through',
      prepare: (cache, c) => c.loops.readThrough(cache, zipfWarm),
      loop: (c) => c.loops.readThrough,
      keys: k(zipfKeys(capacity * 10, 0.99, ops, 3)),
    },
  ];
}

/** A clock in nanoseconds. */
export type Clock = () => bigint;
export const wallClock: Clock = () => process.hrtime.bigint();
/**
 * The process's CPU time (user + system, all threads): on a machine shared with other work it
 * leaves out the time the benchmark waits for a core, which wall-clock time counts against
 * whichever competitor happened to be running. `--cpu-time`; wall-clock time is the default.
 */
export const cpuClock: Clock = () => {
  const { user, system } = process.cpuUsage();
  return BigInt(user + system) * 1000n;
};

/** Linux: the calling thread's time on a CPU in ns, the first field. */
const SCHEDSTAT = '/proc/thread-self/schedstat';
/**
 * The main thread's own CPU time (`--thread-time`, Linux only). The process's CPU time also
 * counts V8's helper threads, which mark and sweep the heap concurrently (the `gc()` before each
 * timing leaves its sweeping to them) and compile: in probes of 2026-12-01 (docs/BENCHMARKS.md,
 * lru16) a 1,000-entry cell's process CPU time was 1.3-2.6x the main thread's, work that lands
 * on whichever competitor is being timed; with V8 single-threaded the two were equal. The main
 * thread's time keeps what a cache makes that thread do, its own scavenges included.
 */
export const threadClock: Clock = () => BigInt(readFileSync(SCHEDSTAT, 'latin1').split(' ', 1)[0]);
export const hasThreadClock = (): boolean => existsSync(SCHEDSTAT);

/** ns per operation of one competitor on one workload: a fresh cache, prepared, then timed. */
export function timeOnce(competitor: Competitor, workload: Workload, capacity: number, clock: Clock = wallClock): number {
  const cache = competitor.create(capacity);
  workload.prepare(cache, competitor);
  const loop = workload.loop(competitor);
  // Collect the previous competitor's garbage now, not inside this competitor's timing.
  globalThis.gc?.();
  const start = clock();
  const sink = loop(cache, workload.keys);
  const elapsed = Number(clock() - start);
  if (sink < 0) throw new RangeError('unreachable: keeps the loop result alive');
  return elapsed / workload.keys.length;
}

export interface CellResult {
  workload: string;
  capacity: number;
  /** Median ns/op per competitor name. */
  nsPerOp: Map<string, number>;
  /** Median over rounds of (best LRU library ns/op) / (our ns/op): > 1 means we are faster. */
  speedupVsBestLru: Map<string, number>;
}

/**
 * Rounds are interleaved: each round times every competitor once on every cell, in a rotating
 * order, and ratios are taken inside a round, so machine noise hits all competitors alike.
 */
/**
 * One small cache per competitor, used on every path (hits, misses, evicting writes) and kept
 * alive for the whole run, as a process that uses a cache keeps it. V8 keeps an object shape
 * (map) only while some object has it, and throws away machine code compiled against a shape
 * that died. Without these, every cache of a competitor was garbage by the time the `gc()`
 * before another competitor's timing ran, so each timing began by re-optimizing the
 * competitor's code (`--trace-deopt` showed hundreds of "weak objects" deopts per run, for
 * every library), and measured that instead of the cache.
 */
function keepShapesAlive(all: Competitor[], mode: KeyMode): BenchCache[] {
  const keys = asKeys(uniformKeys(0, 128, 512, 5), mode);
  return all.map((c) => {
    const cache = c.create(64);
    c.loops.readThrough(cache, keys);
    c.loops.get(cache, keys);
    return cache;
  });
}

export function runThroughput(
  all: Competitor[],
  capacities: number[],
  ops: number,
  rounds: number,
  mode: KeyMode,
  log: (s: string) => void,
  clock: Clock = wallClock,
): CellResult[] {
  const keepers = keepShapesAlive(all, mode);
  const cells = capacities.flatMap((capacity) => workloads(capacity, ops, mode).map((w) => ({ capacity, w })));
  const samples = cells.map(() => new Map<string, number[]>());
  const ratios = cells.map(() => new Map<string, number[]>());
  for (let round = -1; round < rounds; round++) {
    cells.forEach(({ capacity, w }, ci) => {
      const order = all.map((_, i) => all[(i + Math.max(round, 0)) % all.length]);
      const times = new Map<string, number>();
      for (const c of order) times.set(c.name, timeOnce(c, w, capacity, clock));
      if (round < 0) return; // warm-up round: lets every loop reach optimised code
      const bestLru = Math.min(...all.filter((c) => c.kind === 'lru').map((c) => times.get(c.name) as number));
      for (const c of all) {
        const t = times.get(c.name) as number;
        samples[ci].set(c.name, [...(samples[ci].get(c.name) ?? []), t]);
        ratios[ci].set(c.name, [...(ratios[ci].get(c.name) ?? []), bestLru / t]);
      }
    });
    log(round < 0 ? '  warm-up round done' : `  round ${round + 1}/${rounds} done`);
  }
  log(`  ${keepers.length} caches kept alive across timings`);
  return cells.map(({ capacity, w }, ci) => ({
    workload: w.name,
    capacity,
    nsPerOp: new Map([...samples[ci]].map(([k, v]) => [k, median(v)])),
    speedupVsBestLru: new Map([...ratios[ci]].map(([k, v]) => [k, median(v)])),
  }));
}
