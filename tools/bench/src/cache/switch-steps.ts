// Steps of a strategy switch in cache-core alone: `npm run bench:switch-steps -- [keys]`.
// Fills an LRU cache (default 1M keys), reads a third of them, then switches lru -> lfu ->
// tinylfu -> lru, each with `beginStrategySwitch` and one `continueStrategySwitch` per loop
// iteration (50 reads between steps), and prints per switch: the synchronous `begin`, the
// number of steps, wall time per step (p50 / p99 / max) and CPU time per step from
// `process.cpuUsage` (p99 / max; it counts V8's helper threads too). Run with
// `node --trace-gc` (NODE_OPTIONS) to match wall-time maxima with mark-compact pauses.
import { Cache, type Strategy } from '@meshcache/cache-core';

const n = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(n) || n < 1000) throw new Error('keys: an integer of at least 1000');
const cache = new Cache<string, unknown>({ capacity: n, strategy: 'lru' });
for (let i = 0; i < n; i++) cache.set(`key-${i}`, { i });
for (let i = 0; i < n; i += 3) cache.get(`key-${(i * 7) % n}`);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
console.log(JSON.stringify({ date: new Date().toISOString(), keys: n, node: process.version }));
for (const to of ['lfu', 'tinylfu', 'lru'] as Strategy[]) {
  const t0 = performance.now();
  cache.beginStrategySwitch(to);
  const beginMs = performance.now() - t0;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let more = true; more; ) {
    const t = performance.now();
    const u = process.cpuUsage();
    more = cache.continueStrategySwitch();
    const used = process.cpuUsage(u);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
    for (let i = 0; i < 50; i++) cache.get(`key-${(i * 13) % n}`);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const r = (x: number) => Number(x.toFixed(2));
  console.log(
    JSON.stringify({
      to,
      beginMs: r(beginMs),
      steps: wall.length,
      wallMs: { p50: r(quantile(wall, 0.5)), p99: r(quantile(wall, 0.99)), max: r(wall[wall.length - 1]) },
      cpuMs: { p99: r(quantile(cpu, 0.99)), max: r(cpu[cpu.length - 1]) },
      totalMs: Math.round(performance.now() - t0),
    }),
  );
}
