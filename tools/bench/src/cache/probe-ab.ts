// Same-process A/B of two cache-core versions: the throughput section of main.ts with this
// checkout's cache-core (`meshcache *`) and another checkout's (`base *`) side by side, every
// strategy of both loaded and every peer included, so that both versions meet the same machine
// noise in every round. On a shared machine single runs of main.ts swing by up to 2x per cell;
// the two versions' ratios within one run are what a change can be judged by.
//   git worktree add --detach /tmp/base main && cp -al node_modules /tmp/base/node_modules
//   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --expose-gc --import tsx \
//     tools/bench/src/cache/probe-ab.ts --base=/tmp/base --capacities=1000 --rounds=9
// Times in the main thread's CPU time where Linux offers it (see threadClock), else process CPU.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Cache } from '@meshcache/cache-core';
import { compileLoops, competitors, type Competitor } from './competitors.js';
import { fmt } from './stats.js';
import { cpuClock, hasThreadClock, runThroughput, threadClock } from './throughput.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

async function main(): Promise<void> {
  const base = arg('base', '');
  if (base === '') throw new Error('--base=<checkout of the other version> is required');
  const capacities = arg('capacities', '1000,100000').split(',').map(Number);
  const rounds = Number(arg('rounds', '9'));
  const ops = Number(arg('ops', '200000'));
  const entry = pathToFileURL(resolve(base, 'libs/cache-core/src/index.ts')).href;
  const { Cache: BaseCache } = (await import(entry)) as { Cache: typeof Cache };
  const baseCompetitors: Competitor[] = (['lru', 'lfu', 'tinylfu'] as const).map((strategy) => ({
    name: `base ${strategy}`,
    kind: 'ours',
    create: (capacity) => new BaseCache<number | string, number>({ capacity, strategy }),
    loops: compileLoops(`base ${strategy}`, 'get'),
  }));
  const peers = competitors();
  const all = [...peers.slice(0, 3), ...baseCompetitors, ...peers.slice(3)];
  const clock = hasThreadClock() ? threadClock : cpuClock;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  for (const cell of runThroughput(all, capacities, ops, rounds, 'string', log, clock)) {
    const ratio = (name: string) => cell.speedupVsBestLru.get(name) as number;
    const ns = (name: string) => fmt(cell.nsPerOp.get(name) as number, 1);
    process.stdout.write(
      `${cell.workload}, ${cell.capacity}: this lru ${fmt(ratio('meshcache lru'))}× (${ns('meshcache lru')} ns), ` +
        `base lru ${fmt(ratio('base lru'))}× (${ns('base lru')} ns); ` +
        `lfu ${ns('meshcache lfu')} / ${ns('base lfu')} ns, tinylfu ${ns('meshcache tinylfu')} / ${ns('base tinylfu')} ns\n`,
    );
  }
}

void main();
