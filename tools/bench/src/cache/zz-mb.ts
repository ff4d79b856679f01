import { Cache } from '@meshcache/cache-core';
import { LRUMap } from 'mnemonist';
const both = process.argv[2] === 'both';
const C = 1000, N = 2_000_000;
const keys: string[] = []; for (let i = 0; i < C; i++) keys.push(`user:${i}:profile`);
const trace: string[] = []; let s = 1; for (let i = 0; i < N; i++) { s = (s * 48271) % 2147483647; trace.push(keys[s % C]); }
function run(name: string, c: { get(k: string): unknown; set(k: string, v: number): unknown }) {
  for (let i = 0; i < C; i++) c.set(keys[i], i);
  const f = new Function('c', 't', 'let h=0; for (let i=0;i<t.length;i++) if (c.get(t[i]) !== undefined) h++; return h;') as (c: unknown, t: string[]) => number;
  f(c, trace);
  const t0 = process.hrtime.bigint(); f(c, trace); const ns = Number(process.hrtime.bigint() - t0) / N;
  console.log(name, ns.toFixed(1));
}
if (both) { const l = new Cache<string, number>({ capacity: C, strategy: 'lfu' }); for (let i = 0; i < C; i++) l.set(keys[i], i); for (let i = 0; i < 100000; i++) l.get(trace[i]); }
for (let r = 0; r < 3; r++) { run('ours', new Cache<string, number>({ capacity: C })); run('lrumap', new LRUMap<string, number>(C)); }
