// `npm run soak -- --minutes 10`: 3 real nodes on loopback under steady traffic (reads, writes,
// expiring TTLs, a dashboard socket, strategy switches) while every node's RSS, heap, event-loop
// delay, open fds and sockets are sampled; writes samples.jsonl, soak.svg and report.md, prints
// the verdict last and exits 1 on any anomaly (2 on bad flags, 3 when the harness failed).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { renderSoakChart } from './soak-chart.js';
import { RemoteLoad } from './remote-load.js';
import { slowSecondsNote, type RunEvent } from './slow-seconds.js';
import { SLOW_GET_MS } from './soak-load.js';
import { parseSoakArgs, type SoakOptions } from './soak-options.js';
import { CI, judge, STRICT, type Check, type Sample } from './soak-verdict.js';
import { nodeCounters, sampleNode, type NodeCounters } from './node-sampler.js';
import { serverNodeFlags } from '../cluster/server-node-flags.js';
import { freePort } from '@meshcache/test-support';

const root = resolve(__dirname, '../../../..');
const MAIN = join(root, 'dist/apps/api/main.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}`);

interface Node {
  name: string;
  url: string;
  child: ChildProcess;
}

const until = async (check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
};

async function startCluster(out: string, capacity: number, options: SoakOptions): Promise<Node[]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const nodes = ports.map((port, i) => {
    const name = `s${i + 1}`;
    const logFile = createWriteStream(join(out, `${name}.log`));
    const dataDir = join(out, `data-${name}`);
    if (options.dataDir) mkdirSync(dataDir, { recursive: true });
    const persistence = options.dataDir ? { DATA_DIR: dataDir, APPEND_FSYNC: options.fsync, SNAPSHOT_INTERVAL_MS: String(options.snapshotMs) } : {};
    const child = spawn(process.execPath, [...serverNodeFlags(MAIN), ...options.nodeArgs, MAIN], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOST: '127.0.0.1',
        PORT: String(port),
        NODE_ID: name,
        SELF_URL: urls[i],
        PEER_NODES: urls.filter((_, j) => j !== i).join(','),
        CLUSTER_SECRET: 'soak-cluster-secret',
        CACHE_CAPACITY: String(capacity),
        RESP_PORT: '0',
        ACCESS_LOG: 'false',
        LOG_LEVEL: 'warn',
        ...persistence,
        ...replicationEnv(options),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(logFile);
    child.stderr?.pipe(logFile);
    return { name, url: urls[i], child };
  });
  for (const n of nodes) await until(async () => (await fetch(`${n.url}/health`)).ok, 60_000, `${n.name} healthy`);
  for (const n of nodes) await until(async () => ((await (await fetch(`${n.url}/api/sync/status`)).json()) as { connectedNodes: number }).connectedNodes === 2, 60_000, `${n.name} linked to both peers`);
  return nodes;
}

/** Fills the cache before sampling, so the floors compare a full cache with a full cache. */
async function preload(nodes: Node[], keys: number): Promise<void> {
  for (let from = 0; from < keys; from += 500) {
    const items = Array.from({ length: Math.min(500, keys - from) }, (_, i) => ({ key: `soak-${from + i}`, value: { at: 0, pad: 'p'.repeat(64) } }));
    const r = await fetch(`${nodes[(from / 500) % nodes.length].url}/api/cache/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
    if (!r.ok) throw new Error(`preload: HTTP ${r.status}`);
  }
  await until(async () => {
    const sizes = await Promise.all(nodes.map(async (n) => ((await (await fetch(`${n.url}/api/metrics`)).json()) as { cache: { size: number } }).cache.size));
    return sizes.every((s) => s >= keys);
  }, 120_000, 'the preload on every node');
}

async function soak(options: SoakOptions): Promise<number> {
  const limits = options.ci ? CI : STRICT;
  const out = resolve(options.out ?? join(root, 'tmp/soak', new Date().toISOString().replace(/[:.]/g, '-')));
  mkdirSync(out, { recursive: true });
  if (!existsSync(MAIN)) {
    log('building dist/apps/api/main.js');
    if (spawnSync(process.execPath, [join(root, 'apps/api/build.mjs')], { cwd: root, stdio: 'inherit' }).status !== 0) return 3;
  }
  const nodes: Node[] = [];
  let dashboard: Socket | undefined;
  let load: RemoteLoad | undefined;
  let closing = false;
  const stopAll = () => {
    closing = true;
    dashboard?.close();
    load?.kill();
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
  };
  const onSignal = () => {
    stopAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log(`3 nodes, ${options.reads} reads/s + ${options.writes} writes/s for ${options.minutes} min, sampling every ${options.sampleMs} ms; ${persistenceNote(options)}; output ${relative(root, out)}`);
    nodes.push(...(await startCluster(out, options.keys * 2 + 10_000, options)));
    const remote = new RemoteLoad({ urls: nodes.map((n) => n.url), readsPerSecond: options.reads, writesPerSecond: options.writes, keys: options.keys });
    load = remote;
    for (const n of nodes) n.child.once('exit', (code, signal) => closing || remote.fail(`${n.name} exited (${code ?? signal})`));
    await preload(nodes, options.keys);
    log(`preloaded ${options.keys} keys on every node`);

    // A dashboard tab: the socket it keeps open, asking for a page of state now and then.
    let dashboardEvents = 0;
    dashboard = io(nodes[0].url, { transports: ['websocket'], reconnection: false });
    dashboard.onAny(() => dashboardEvents++);
    dashboard.on('disconnect', (reason) => closing || remote.fail(`dashboard socket disconnected: ${reason}`));
    await until(async () => dashboard?.connected === true, 10_000, 'the dashboard socket');

    await remote.ready();
    if (options.warmUpSeconds > 0) {
      const warm = await remote.warmUp(options.warmUpSeconds);
      log(`warm-up (not judged): ${warm.reads} reads and ${warm.writes} writes in ${options.warmUpSeconds} s, GET p99 ${warm.getP99Ms.toFixed(2)} ms`);
    }
    // prom-client reports the largest event-loop delay since the previous scrape: one scrape now
    // starts every node's window with the run, so the first sample is not the start-up and the
    // preload of every key (run r8's largest lags, 148 / 141 ms, were that first sample). The
    // same scrape gives the GET counts that the nodes' own latency share is counted from.
    const countersBefore: NodeCounters[] = [];
    for (const n of nodes) countersBefore.push(await nodeCounters(n.url));
    const samples: Sample[] = [];
    const started = Date.now();
    const endAt = started + options.minutes * 60_000;
    const switchEveryMs = Math.max(10_000, (options.minutes * 60_000) / 10);
    let nextSwitch = started + switchEveryMs;
    let strategy: 'LFU' | 'LRU' = 'LFU';
    let switches = 0;
    const switchedAt: number[] = [];
    remote.start();
    while (Date.now() < endAt) {
      const t = Date.now() - started;
      for (const n of nodes) {
        try {
          samples.push(await sampleNode(n.name, n.child.pid ?? 0, n.url, t));
        } catch (error) {
          remote.fail(`sampling ${n.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (Date.now() >= nextSwitch) {
        switchedAt.push(Date.now() - started);
        const r = await fetch(`${nodes[switches % 3].url}/api/strategy`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy }) });
        if (!r.ok) remote.fail(`strategy switch: HTTP ${r.status}`);
        strategy = strategy === 'LFU' ? 'LRU' : 'LFU';
        switches++;
        nextSwitch += switchEveryMs;
      }
      dashboard.emit('get-cache-state', { limit: 50 });
      const elapsed = (Date.now() - started) / 1000;
      if (Math.floor(elapsed / 30) !== Math.floor((elapsed - options.sampleMs / 1000) / 30)) {
        const p = await remote.progress();
        log(`${elapsed.toFixed(0)} s: ${p.reads} reads, ${p.writes} writes, ${p.errors} errors, GET p99 ${p.getP99Ms.toFixed(2)} ms (since the last line ${p.recentGetP99Ms.toFixed(2)} ms), load average ${loadavg()[0].toFixed(2)}`);
      }
      await sleep(Math.max(0, options.sampleMs - ((Date.now() - started) % options.sampleMs)));
    }
    const result = await remote.stop();
    const seconds = (Date.now() - started) / 1000;
    const nodeSide = { within10Ms: 0, count: 0 };
    const nodeCpuSeconds: number[] = [];
    for (const [i, n] of nodes.entries()) {
      const after = await nodeCounters(n.url);
      nodeSide.within10Ms += after.within10Ms - countersBefore[i].within10Ms;
      nodeSide.count += after.count - countersBefore[i].count;
      nodeCpuSeconds.push(after.cpuSeconds - countersBefore[i].cpuSeconds);
    }
    const totals = { reads: result.reads, writes: result.writes, errors: result.errors, errorSamples: result.errorSamples, getP99Ms: result.getP99Ms, seconds, ownLag: result.ownLag, nodeGets: nodeSide };
    const checks = judge(samples, totals, limits, { at: switchedAt, windowMs: 2 * options.sampleMs });
    const slowNote = slowSecondsNote(result.slowGetsPerSecond, result.reads, SLOW_GET_MS, runEvents(samples, switchedAt, started));
    const title = `meshcache soak: 3 nodes, ${(result.reads / seconds).toFixed(0)} reads/s + ${(result.writes / seconds).toFixed(0)} writes/s for ${(seconds / 60).toFixed(1)} min`;
    writeFileSync(join(out, 'samples.jsonl'), samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
    writeFileSync(join(out, 'soak.svg'), await renderSoakChart(samples, title));
    writeFileSync(join(out, 'report.md'), report(title, options, checks, totals, { dashboardEvents, switches, limits: options.ci ? 'relaxed for CI' : 'strict', slowNote }));
    writeFileSync(join(out, 'slow-gets.json'), JSON.stringify({ overMs: SLOW_GET_MS, perSecond: result.slowGetsPerSecond }) + '\n');
    for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    console.log(slowNote);
    console.log(`${dashboardEvents} dashboard events, ${switches} strategy switches; samples, soak.svg and report.md in ${relative(root, out)}`);
    console.log(`load generator: ${result.cpuMicrosPerRequest.toFixed(0)} µs of CPU per request (its own process; its share of the cores)`);
    console.log(`nodes: ${nodeCpuNote(nodeCpuSeconds, result.reads + result.writes, seconds)}`);
    if (options.ci) console.log(`thresholds relaxed for CI (shared machine): event-loop lag and GET p99 reported, not judged; floors +${CI.heapFloorGrowth * 100} %; errors, fds and sockets not relaxed`);
    const failed = checks.filter((c) => !c.ok);
    stopAll();
    console.log(failed.length === 0 ? `SOAK PASSED: ${title}` : `SOAK FAILED: ${failed.map((c) => c.name).join(', ')}`);
    return failed.length === 0 ? 0 : 1;
  } catch (error) {
    stopAll();
    console.log(`SOAK HARNESS FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 3;
  } finally {
    await Promise.all(nodes.map((n) => (n.child.exitCode !== null || n.child.signalCode !== null ? undefined : new Promise((r) => n.child.once('exit', r)))));
  }
}

/** The strategy switches and every node's disk snapshots, in ms since the run started. */
function runEvents(samples: readonly Sample[], switchedAt: readonly number[], startedEpochMs: number): RunEvent[] {
  const events: RunEvent[] = switchedAt.map((at) => ({ label: 'strategy switch', at }));
  const seen = new Set<string>();
  for (const s of samples) {
    if (s.lastSnapshotAt === undefined || s.lastSnapshotAt < startedEpochMs) continue;
    const id = `${s.node} ${s.lastSnapshotAt}`;
    if (seen.has(id)) continue;
    seen.add(id);
    events.push({ label: `${s.node} snapshot`, at: s.lastSnapshotAt - startedEpochMs });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** The nodes' CPU over the run: per request of the whole cluster (every node's share, replication included), and each node's busy fraction of a core. */
function nodeCpuNote(cpuSeconds: readonly number[], requests: number, seconds: number): string {
  const total = cpuSeconds.reduce((a, b) => a + b, 0);
  const perRequest = (total * 1e6) / Math.max(1, requests);
  return `${perRequest.toFixed(0)} µs of CPU per request, all three together (${cpuSeconds.map((c, i) => `s${i + 1} ${((100 * c) / seconds).toFixed(0)} %`).join(', ')} of a core)`;
}

/** The nodes' replication settings this run gives (the rest are the server's defaults). */
function replicationEnv(options: SoakOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.sendWindowMs !== undefined) env.REPLICATION_SEND_WINDOW_MS = String(options.sendWindowMs);
  if (options.ackDelayMs !== undefined) env.REPLICATION_ACK_DELAY_MS = String(options.ackDelayMs);
  return env;
}

function persistenceNote(options: SoakOptions): string {
  const nodeArgs = [...serverNodeFlags(MAIN), ...options.nodeArgs];
  const settings = Object.entries(replicationEnv(options)).map(([name, value]) => `, ${name}=${value}`);
  const node = (nodeArgs.length > 0 ? `, node ${nodeArgs.join(' ')}` : '') + settings.join('');
  return (options.dataDir ? `DATA_DIR on (APPEND_FSYNC=${options.fsync}, snapshots every ${options.snapshotMs} ms)` : 'no DATA_DIR (memory only)') + node;
}

function report(title: string, options: SoakOptions, checks: Check[], totals: { reads: number; writes: number; getP99Ms: number; seconds: number }, extra: { dashboardEvents: number; switches: number; limits: string; slowNote: string }): string {
  return [
    `# ${title}`,
    '',
    `Command: \`npm run soak -- ${process.argv.slice(2).join(' ')}\` (thresholds ${extra.limits}; ${persistenceNote(options)}), ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    `${totals.reads} reads and ${totals.writes} writes in ${totals.seconds.toFixed(0)} s, GET p99 ${totals.getP99Ms.toFixed(2)} ms, ${extra.dashboardEvents} dashboard events, ${extra.switches} strategy switches.`,
    '',
    '![soak](soak.svg)',
    '',
    '| check | result | detail |',
    '| --- | --- | --- |',
    ...checks.map((c) => `| ${c.name} | ${c.ok ? 'ok' : '**FAIL**'} | ${c.detail} |`),
    '',
    `Slow reads: ${extra.slowNote} (per second: slow-gets.json).`,
    '',
  ].join('\n');
}

const parsed = parseSoakArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`soak: ${parsed.message}`);
  process.exit(2);
}
void soak(parsed.options).then((code) => process.exit(code));
