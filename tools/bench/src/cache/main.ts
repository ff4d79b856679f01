import { cpus } from 'node:os';
import { competitors } from './competitors.js';
import { hitRatio, optimum, traces } from './hit-ratio.js';
import { runLfuScaling } from './lfu-scaling.js';
import { bytesPerEntry } from './memory.js';
import { fmt, markdownTable } from './stats.js';
import { cpuClock, hasThreadClock, runThroughput, threadClock, wallClock } from './throughput.js';

const quick = process.argv.includes('--quick');
const intKeys = process.argv.includes('--int-keys');
// --cpu-time times the throughput loops in process CPU time instead of wall-clock time (loaded machines).
const cpuTime = process.argv.includes('--cpu-time');
// --thread-time times them in the main thread's CPU time (Linux): V8's helper threads left out.
const threadTime = process.argv.includes('--thread-time');
if (threadTime && !hasThreadClock()) {
  process.stderr.write('--thread-time needs /proc/thread-self/schedstat (Linux); use --cpu-time\n');
  process.exit(2);
}
// --only=throughput,scaling,hit-ratio,memory runs a subset while developing.
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
// --capacities=1000,10000 limits the hit-ratio tables (default 1k, 10k and 100k).
const capacitiesArg = process.argv.find((a) => a.startsWith('--capacities='));
const ratioCapacities = capacitiesArg ? capacitiesArg.slice('--capacities='.length).split(',').map(Number) : [1_000, 10_000, 100_000];
const only = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ['throughput', 'scaling', 'hit-ratio', 'memory']);
const config = quick
  ? { ops: 200_000, rounds: 3, scalingOps: 200_000, scalingRounds: 3, traceLength: 300_000, traceFactor: 10 }
  : { ops: 1_000_000, rounds: 7, scalingOps: 1_000_000, scalingRounds: 7, traceLength: 2_000_000, traceFactor: 20 };
const log = (s: string) => process.stderr.write(`${s}\n`);
const out = (s = '') => process.stdout.write(`${s}\n`);
const all = competitors();
const byName = (name: string) => all.find((c) => c.name === name) as (typeof all)[number];
const ok = (pass: boolean) => (pass ? 'yes' : '**no**');

function throughputSection(): void {
  log('throughput…');
  const clock = threadTime ? threadClock : cpuTime ? cpuClock : wallClock;
  const cells = runThroughput(all, [1_000, 100_000], config.ops, config.rounds, intKeys ? 'int' : 'string', log, clock);
  const timeKind = threadTime ? " of the main thread's CPU time" : cpuTime ? ' of CPU time' : '';
  out(`### Throughput (ns/op${timeKind}, lower is better; ${intKeys ? 'integer' : 'string'} keys)`);
  out();
  out(
    markdownTable(
      ['workload', 'capacity', ...all.map((c) => c.name), 'ours lru vs best of lru-cache/mnemonist', 'target ≥ 1.0×'],
      cells.map((cell) => {
        const speedup = cell.speedupVsBestLru.get('meshcache lru') as number;
        return [
          cell.workload,
          cell.capacity.toLocaleString('en'),
          ...all.map((c) => fmt(cell.nsPerOp.get(c.name) as number, 1)),
          `${fmt(speedup)}×`,
          ok(speedup >= 1),
        ];
      }),
    ),
  );
  out();
}

function scalingSection(): void {
  log('LFU scaling…');
  const capacities = [1_000, 100_000, 1_000_000];
  const scaling = runLfuScaling(byName('meshcache lfu'), byName('meshcache lru'), capacities, config.scalingOps, config.scalingRounds);
  const growth = scaling[scaling.length - 1].lfuNs / scaling[0].lfuNs;
  const lruGrowth = scaling[scaling.length - 1].lruNs / scaling[0].lruNs;
  out('### LFU time per op (read-through Zipf 0.99, integer keys 10× capacity)');
  out();
  out(
    markdownTable(
      ['capacity', 'meshcache lfu ns/op', 'meshcache lru ns/op', 'lfu / lru', 'target ≤ 1.3×'],
      scaling.map((s) => [s.capacity.toLocaleString('en'), fmt(s.lfuNs, 1), fmt(s.lruNs, 1), `${fmt(s.lfuOverLru)}×`, ok(s.lfuOverLru <= 1.3)]),
    ),
  );
  out();
  out(`LFU growth from 1k to 1M: ${fmt(growth)}× (target ≤ 1.3×: ${ok(growth <= 1.3)}); LRU on the same trace: ${fmt(lruGrowth)}×`);
  out();
}

function hitRatioSection(): void {
  const ours = all.filter((c) => c.kind === 'ours');
  // mnemonist's LRUMap evicts exactly as its LRUCache does: one column is enough.
  const peers = all.filter((c) => c.kind !== 'ours' && c.name !== 'mnemonist LRUMap');
  for (const capacity of ratioCapacities) {
    const length = Math.max(config.traceLength, capacity * config.traceFactor);
    log(`hit ratio, capacity ${capacity}…`);
    out(`### Hit ratio (capacity ${capacity.toLocaleString('en')}, ${length.toLocaleString('en')} requests from a cold cache, read-through)`);
    out();
    const rows = traces(capacity, length).map((trace) => {
      const r = new Map([...ours, ...peers].map((c) => [c.name, hitRatio(c, capacity, trace)]));
      const best = (cs: typeof all) => Math.max(...cs.map((c) => r.get(c.name) as number));
      const lead = best(ours) - best(peers);
      return [
        trace.name,
        ...[...ours, ...peers].map((c) => `${fmt((r.get(c.name) as number) * 100, 1)}%`),
        `${fmt(optimum(capacity, trace) * 100, 1)}%`,
        `${lead >= 0 ? '+' : ''}${fmt(lead * 100, 1)}`,
        ok(lead >= 0),
      ];
    });
    out(markdownTable(['trace', ...[...ours, ...peers].map((c) => c.name), 'Belady (optimum)', 'best ours − best peer (points)', 'target ≥ 0'], rows));
    out();
  }
}

function memorySection(): void {
  log('memory…');
  const entries = 100_000;
  const target = new Map([['meshcache lru', 80], ['meshcache lfu', 95]]);
  out(`### Bytes per entry (${entries.toLocaleString('en')} entries after churn, string keys, fresh process per cache, heap + external after GC)`);
  out();
  out(
    markdownTable(
      ['cache', 'bytes/entry', 'target'],
      all.map((c) => {
        const b = bytesPerEntry(c.name, entries);
        const t = target.get(c.name);
        return [c.name, fmt(b, 1), t === undefined ? '' : `≤ ${t}: ${ok(b <= t)}`];
      }),
    ),
  );
}

out(
  `Command: \`npm run bench:cache${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` · ${new Date().toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`,
);
out();
out(
  `Keys are strings like \`user:123:profile\` (integers with \`--int-keys\`) from seeded traces shared by every competitor; ${config.ops.toLocaleString('en')} ops per timing, ${config.rounds} interleaved rounds after a warm-up round, medians shown.`,
);
out();
if (only.has('throughput')) throughputSection();
if (only.has('scaling')) scalingSection();
if (only.has('hit-ratio')) hitRatioSection();
if (only.has('memory')) memorySection();
