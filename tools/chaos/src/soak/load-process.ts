// The load generator's own process (forked by `LoadProcess`): its event loop, which times every
// GET from send to full response, then shares nothing with the soak's sampling, /metrics parsing,
// dashboard socket and the nodes' log pipes, and its GC is its own.
import { z } from 'zod';
import { OWN_LAG_RESOLUTION_MS, SoakLoad } from './soak-load.js';
import { delayFromInterval } from './node-sampler.js';
import type { LoadReport } from './remote-load.js';

const planSchema = z.strictObject({
  urls: z.array(z.url()).min(1).max(16),
  readsPerSecond: z.number().int().min(1),
  writesPerSecond: z.number().int().min(1),
  keys: z.number().int().min(1),
});
const commandSchema = z.union([z.enum(['start', 'progress', 'stop']), z.strictObject({ warmUpSeconds: z.number().positive().max(600) })]);

const send = (message: LoadReport) => process.send?.(message);
const plan = planSchema.parse(JSON.parse(process.argv[2] ?? 'null'));
const load = new SoakLoad(plan);

const progress = (): Extract<LoadReport, { type: 'progress' }> => {
  const recentGetP99Ms = load.recentGets.quantile(0.99);
  load.recentGets.reset();
  return { type: 'progress', reads: load.reads, writes: load.writes, errors: load.errors, errorSamples: load.errorSamples, getP99Ms: load.gets.quantile(0.99), recentGetP99Ms };
};

process.on('message', (raw) => {
  const command = commandSchema.parse(raw);
  if (typeof command === 'object') {
    // The planned traffic for a while; it goes on, and 'start' then measures from zero.
    load.start();
    setTimeout(() => send({ type: 'warmed', reads: load.reads, writes: load.writes, getP99Ms: load.gets.quantile(0.99) }), command.warmUpSeconds * 1000);
  } else if (command === 'start') load.start();
  else if (command === 'progress') send(progress());
  else {
    const cpuMicrosPerRequest = load.cpuMicrosPerRequest();
    const ownDelay = (ns: number) => delayFromInterval(ns / 1e6, OWN_LAG_RESOLUTION_MS);
    const ownLag = { p99Ms: ownDelay(load.ownLag.percentile(99)), maxMs: ownDelay(load.ownLag.max) };
    void load.stop().then(() => {
      send({ ...progress(), type: 'result', cpuMicrosPerRequest, ownLag, slowGetsPerSecond: Array.from(load.slowGetsPerSecond, (n) => n ?? 0) });
      process.disconnect();
    });
  }
});
// The soak gone (killed, or it exited without stopping us): nothing is left to measure for.
process.on('disconnect', () => process.exit(0));
void load.openConnections().then(() => send({ type: 'ready' }));
