// `npm run bench:sync`: 3 meshcache nodes, each in its own process, replicating over socket.io
// on 127.0.0.1. Measures replicated write throughput, visibility lag at a fixed rate, catch-up
// of a node that missed operations (partial resync) and a new node's snapshot. Results go to
// the "Replication" section of docs/BENCHMARKS.md. `--quick` runs reduced sizes, `--only <section>`
// one section without writing results.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MAX_BATCHING_DELAY_MS } from '@meshcache/sync-node';
import { z } from 'zod';
import { NodeHandle } from './node-handle.js';
import { preciseNow, type Batching } from './protocol.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    only: { type: 'string' },
    // The server's batching (REPLICATION_SEND_WINDOW_MS 10, REPLICATION_ACK_DELAY_MS 20) instead of the library's 0 and 0.
    'send-window-ms': { type: 'string' },
    'ack-delay-ms': { type: 'string' },
  },
});
// The nodes' own bounds (the server's REPLICATION_* variables use them too).
const batchingMs = z.coerce.number().int().min(0).max(MAX_BATCHING_DELAY_MS).optional();
const parsed = z.object({ 'send-window-ms': batchingMs, 'ack-delay-ms': batchingMs }).safeParse(values);
if (!parsed.success) {
  console.error(`bench:sync: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const batching: Batching = { sendWindowMs: parsed.data['send-window-ms'], ackDelayMs: parsed.data['ack-delay-ms'] };
const quick = values.quick;
const sizes = quick
  ? { throughput: 40_000, lagRate: 5000, lagSeconds: 2, missed: 20_000, snapshot: 100_000 }
  : { throughput: 300_000, lagRate: 5000, lagSeconds: 10, missed: 100_000, snapshot: 1_000_000 };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (line: string) => console.log(line);

async function mesh(backlogSize: number, capacity: number): Promise<NodeHandle[]> {
  const nodes = await Promise.all(['a', 'b', 'c'].map((id) => NodeHandle.start(id, backlogSize, capacity, batching)));
  await Promise.all(nodes.map((n) => n.send({ cmd: 'connect', peers: nodes.map((o) => o.url), expectUp: nodes.length - 1 })));
  return nodes;
}

interface Results {
  throughput: { writes: number; writesPerSec: number; localPerSec: number };
  lag: { rate: number; samples: number; p50: number; p99: number; max: number; load: [number, number] };
  partial: { missed: number; ms: number; partial: number; full: number };
  snapshot: { keys: number; ms: number; fillMs: number };
}

async function throughput(): Promise<Results['throughput']> {
  const [a, b, c] = await mesh(sizes.throughput + 10, sizes.throughput + 100_000);
  log(`throughput: node a writes ${fmt(sizes.throughput)} keys as fast as it can; b and c apply them`);
  const reached = Promise.all([b, c].map((n) => n.send<{ at: number }>({ cmd: 'await-count', origin: 'a', target: sizes.throughput })));
  const { start, end } = await a.send<{ start: number; end: number }>({ cmd: 'write', count: sizes.throughput, prefix: 'tp' });
  const lastApplied = Math.max(...(await reached).map((r) => r.at));
  const result = {
    writes: sizes.throughput,
    writesPerSec: sizes.throughput / ((lastApplied - start) / 1000),
    localPerSec: sizes.throughput / ((end - start) / 1000),
  };
  log(`  ${fmt(result.writesPerSec)} replicated writes/s (accepted locally at ${fmt(result.localPerSec)}/s)`);
  await Promise.all([a, b, c].map((n) => n.exit()));
  return result;
}

async function lagAtFixedRate(): Promise<Results['lag']> {
  // A fresh cluster: the throughput run's large heaps would measure garbage collection instead.
  const [a, b, c] = await mesh(10_000, 200_000);
  const count = sizes.lagRate * sizes.lagSeconds;
  const loadBefore = loadavg()[0];
  log(`lag: node a writes ${fmt(sizes.lagRate)}/s for ${sizes.lagSeconds} s; b and c time each write's arrival`);
  const lagReached = Promise.all([b, c].map((n) => n.send({ cmd: 'await-count', origin: 'a', target: count })));
  await a.send({ cmd: 'write', count, prefix: 'lag', ratePerSec: sizes.lagRate, stamp: true });
  await lagReached;
  const samples = (await Promise.all([b, c].map((n) => n.send<{ lags: number[] }>({ cmd: 'lags', prefix: 'lag' })))).flatMap((r) => r.lags);
  samples.sort((x, y) => x - y);
  const lag = {
    rate: sizes.lagRate,
    samples: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples[samples.length - 1],
    load: [loadBefore, loadavg()[0]] as [number, number],
  };
  log(`  p50 ${fmt(lag.p50, 2)} ms, p99 ${fmt(lag.p99, 2)} ms, max ${fmt(lag.max, 1)} ms over ${fmt(lag.samples)} deliveries`);
  await Promise.all([a, b, c].map((n) => n.exit()));
  return lag;
}

async function partialResync(): Promise<Results['partial']> {
  const [a, b, c] = await mesh(sizes.missed + 50_000, sizes.missed * 2);
  log(`partial resync: c drops off, a writes ${fmt(sizes.missed)} keys, c comes back`);
  // c has taken part before (a node with nothing at all would get a snapshot instead).
  const warm = 1000;
  const warmed = Promise.all([b, c].map((n) => n.send({ cmd: 'await-count', origin: 'a', target: warm })));
  await a.send({ cmd: 'write', count: warm, prefix: 'warm' });
  await warmed;
  await c.send({ cmd: 'go-away' });
  const bHas = b.send({ cmd: 'await-count', origin: 'a', target: warm + sizes.missed });
  await a.send({ cmd: 'write', count: sizes.missed, prefix: 'missed' });
  await bHas;
  const before = (await c.send<{ stats: { partialSyncs: number; fullSyncs: number } }>({ cmd: 'stats' })).stats;
  const started = preciseNow();
  const caughtUp = c.send<{ at: number }>({ cmd: 'await-count', origin: 'a', target: warm + sizes.missed });
  await c.send({ cmd: 'come-back', peers: [a.url, b.url] });
  const { at } = await caughtUp;
  const after = (await c.send<{ stats: { partialSyncs: number; fullSyncs: number } }>({ cmd: 'stats' })).stats;
  const partial = { missed: sizes.missed, ms: at - started, partial: after.partialSyncs - before.partialSyncs, full: after.fullSyncs - before.fullSyncs };
  log(`  caught up in ${fmt(partial.ms)} ms with ${partial.partial} partial and ${partial.full} full sync(s)`);
  await Promise.all([a, b, c].map((n) => n.exit()));
  return partial;
}

async function snapshot(): Promise<Results['snapshot']> {
  const [a, b, c] = await mesh(1000, sizes.snapshot + 1000);
  log(`snapshot: a holds ${fmt(sizes.snapshot)} keys (replicated to b and c), then new node d joins`);
  const filled = Promise.all([b, c].map((n) => n.send({ cmd: 'await-count', origin: 'a', target: sizes.snapshot })));
  const fillStart = preciseNow();
  await a.send({ cmd: 'write', count: sizes.snapshot, prefix: 'snap' });
  await filled;
  const fillMs = preciseNow() - fillStart;
  const d = await NodeHandle.start('d', 1000, sizes.snapshot + 1000, batching);
  const started = preciseNow();
  const done = d.send<{ at: number }>({ cmd: 'await-size', size: sizes.snapshot });
  await d.send({ cmd: 'connect', peers: [a.url], expectUp: 1 });
  const { at } = await done;
  const result = { keys: sizes.snapshot, ms: at - started, fillMs };
  const stats = (await d.send<{ stats: { fullSyncs: number } }>({ cmd: 'stats' })).stats;
  log(`  d installed ${fmt(result.keys)} keys in ${fmt(result.ms)} ms (${stats.fullSyncs} full sync(s) received)`);
  await Promise.all([a, b, c, d].map((n) => n.exit()));
  return result;
}

function report(r: Results, command: string): string {
  const pass = (ok: boolean) => (ok ? 'met' : '**missed**');
  return [
    `Command: \`${command}\`, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}.`,
    'Three nodes, each in its own process, replicating over socket.io (websocket) on 127.0.0.1 with',
    `a cluster secret set (send window ${batching.sendWindowMs ?? 0} ms, ack delay ${batching.ackDelayMs ?? 0} ms); each figure is one run on a machine shared with other work.`,
    '',
    '| measurement | result | target | |',
    '| --- | --- | --- | --- |',
    `| replicated writes/s (a writes ${fmt(r.throughput.writes)} keys, time until b and c applied all) | ${fmt(r.throughput.writesPerSec)} /s | ≥ 20,000 /s | ${pass(r.throughput.writesPerSec >= 20_000)} |`,
    `| visibility lag at ${fmt(r.lag.rate)} writes/s, p50 / p99 (${fmt(r.lag.samples)} deliveries) | ${fmt(r.lag.p50, 2)} / ${fmt(r.lag.p99, 2)} ms | p99 ≤ 10 ms | ${pass(r.lag.p99 <= 10)} |`,
    `| catch-up after missing ${fmt(r.partial.missed)} ops (${r.partial.partial} partial, ${r.partial.full} full sync) | ${fmt(r.partial.ms)} ms | ≤ 2,000 ms | ${pass(r.partial.ms <= 2000 && r.partial.full === 0)} |`,
    `| new node, ${fmt(r.snapshot.keys)}-key snapshot | ${fmt(r.snapshot.ms)} ms | ≤ 5,000 ms | ${pass(r.snapshot.ms <= 5000)} |`,
    '',
    `Writes were accepted locally at ${fmt(r.throughput.localPerSec)}/s; filling ${fmt(r.snapshot.keys)} keys on three nodes took ${fmt(r.snapshot.fillMs)} ms.`,
    `The lag figure is the most sensitive to other work on the machine: the 1-minute load average was ${fmt(r.lag.load[0], 1)} before`,
    `and ${fmt(r.lag.load[1], 1)} after that measurement, on ${cpus().length} cores shared by four processes of the benchmark (the median stays far below 1 ms;`,
    'the tail is time the node processes spend waiting for a core). `npm run bench:sync -- --only lag` repeats it alone.',
  ].join('\n');
}

function writeSection(body: string): void {
  const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const heading = '## Replication (`npm run bench:sync`)';
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`no "${heading}" section in ${file}`);
  const next = text.indexOf('\n## ', at + heading.length);
  const updated = `${text.slice(0, at)}${heading}\n\n${body}\n${next < 0 ? '' : text.slice(next)}`;
  writeFileSync(file, updated);
  log(`results written to docs/BENCHMARKS.md`);
}

async function main(): Promise<void> {
  if (values.only !== undefined) {
    // Development: one section, nothing written.
    const sections: Record<string, () => Promise<unknown>> = { throughput, lag: lagAtFixedRate, partial: partialResync, snapshot };
    const run = sections[values.only];
    if (run === undefined) throw new Error(`--only takes one of ${Object.keys(sections).join(', ')}`);
    await run();
    return;
  }
  const results: Results = { throughput: await throughput(), lag: await lagAtFixedRate(), partial: await partialResync(), snapshot: await snapshot() };
  const flags = process.argv.slice(2).filter((arg) => arg !== '--no-write');
  const text = report(results, flags.length === 0 ? 'npm run bench:sync' : `npm run bench:sync -- ${flags.join(' ')}`);
  console.log(`\n${text}`);
  if (!values['no-write']) writeSection(text);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
