// Runs in a fresh process (started by memory.ts with --expose-gc): fills one cache with
// `count` entries, then churns it with `count` more writes of new keys (every entry evicted
// once, so free lists, tombstones and grown tables are in their steady state). Keys are
// strings created before the first measurement and values small integers, so neither is
// counted. It prints the growth of the V8 heap plus external memory (typed arrays) per
// entry after full GCs: what the cache's own structure costs, its Map included.
import { competitors } from './competitors.js';
import { keyName } from './traces.js';

const [name, countArg] = process.argv.slice(2);
const count = Number(countArg);
const collect = globalThis.gc;
if (!collect) throw new Error('memory-child needs --expose-gc');
const competitor = competitors().find((c) => c.name === name);
if (!competitor) throw new Error(`unknown competitor ${name}`);
const used = () => {
  for (let i = 0; i < 4; i++) collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const keys = Array.from({ length: 2 * count }, (_, i) => keyName(i));
const before = used();
const cache = competitor.create(count);
for (let i = 0; i < 2 * count; i++) {
  cache.set(keys[i], i);
  cache.cleanUp?.();
}
const after = used();
process.stdout.write(JSON.stringify({ name, count, bytesPerEntry: (after - before) / count, alive: cache !== null && keys.length === 2 * count }) + '\n');
