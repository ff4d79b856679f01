// A quick loop for tuning an eviction strategy: the hit-ratio section of main.ts for chosen
// competitors, traces and capacities, without the offline optimum or the other sections.
//   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --import tsx tools/bench/src/cache/probe-hit-ratio.ts \
//     --capacity=1000 --length=2000000 --traces=0,2,4,7 --competitors=tinylfu,sieve
// Traces are given by their index in hit-ratio.ts's list, competitors by part of their name.
// Same traces, caches and read-through loop as the full run, so its figures are the table's.
import { competitors } from './competitors.js';
import { hitRatio, traces } from './hit-ratio.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const capacity = Number(arg('capacity', '1000'));
const length = Number(arg('length', '2000000'));
const wanted = arg('traces', '');
const names = arg('competitors', 'tinylfu').split(',');
const chosen = competitors().filter((c) => names.some((n) => c.name.includes(n)));
const all = traces(capacity, length);
const indices = wanted === '' ? all.map((_, i) => i) : wanted.split(',').map(Number);
for (const i of indices) {
  const trace = all[i];
  const ratios = chosen.map((c) => `${c.name} ${(hitRatio(c, capacity, trace) * 100).toFixed(2)}%`);
  process.stdout.write(`${i} ${trace.name}: ${ratios.join(' · ')}\n`);
}
