// `npm run chaos -- --seconds 120 --seed 7 --faults partition,kill,pause,netem,clock,disk`
// Builds test hosts, starts a real cluster on them, runs clients and the nemesis, heals, checks
// the history, writes history.jsonl + report.md + timeline.svg + captures, prints the verdict
// last and exits 1 on any anomaly (2 on bad flags, 3 when the harness itself failed).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { check } from './check/checker.js';
import { parseJsonl, toJsonl, type CrashRecord, type FaultRecord, type FinalRecord, type HistoryRecord } from './check/history.js';
import { lazyFsAvailable } from './cluster/lazy-disk.js';
import { ClusterNodes } from './cluster/nodes.js';
import { serverNodeFlags } from './cluster/server-node-flags.js';
import { awaitConvergence, finalEntries } from './cluster/final-state.js';
import { capture, clusterConnected, deadlinesEnforced } from './cluster/operator.js';
import { createLoopbackNetwork } from './hosts/loopback-network.js';
import { canUseNetns, createNetnsNetwork } from './hosts/netns-network.js';
import type { Network } from './hosts/network.js';
import { inject, unavailable } from './nemesis/faults.js';
import { groupOrder, planFault } from './nemesis/schedule.js';
import { parseArgs, powerLossBound, type ChaosOptions } from './options.js';
import { seededRandom, between } from './prng.js';
import { renderReport, verdictLine, type FaultRow, type RunSummary } from './report/markdown.js';
import { countersOf, summarizeRepair, type StatusCounters } from './report/repairs.js';
import { renderTimeline } from './report/timeline.js';
import { DashboardCamera } from './report/screenshot.js';
import { workloadFailure } from './workload/outcome.js';

const root = resolve(__dirname, '../../..');
const MAIN = join(root, 'dist/apps/api/main.js');
const DASHBOARD_INDEX = join(root, 'dist/apps/dashboard/index.html');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 23)}] ${msg}`);

const until = async (check: () => Promise<boolean>, timeoutMs: number): Promise<number | null> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return Date.now();
    await sleep(250);
  }
  return null;
};

const replayCommand = (o: ChaosOptions, seed: number) =>
  `npm run chaos -- --seconds ${o.seconds} --seed ${seed} --faults ${o.faults.join(',')} --nodes ${o.nodes} --fsync ${o.fsync}${o.powerLossBoundMs !== undefined ? ` --power-loss-bound-ms ${o.powerLossBoundMs}` : ''}${o.loopback ? ' --loopback' : ''}`;

async function run(options: ChaosOptions): Promise<number> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const prefix = `mc${randomBytes(2).toString('hex')}`;
  const out = resolve(options.out ?? join(root, 'tmp/chaos', `${new Date().toISOString().replace(/[:.]/g, '-')}-seed${seed}`));
  mkdirSync(out, { recursive: true });
  log(`seed ${seed}, output ${relative(root, out) || out}`);

  if (!existsSync(MAIN)) {
    log('building dist/apps/api/main.js');
    if (spawnSync(process.execPath, [join(root, 'apps/api/build.mjs')], { cwd: root, stdio: 'inherit' }).status !== 0) return 3;
  }

  type Step = () => Promise<void> | void;
  const cleanups: Step[] = [];
  const runStep = (step: Step) => Promise.resolve().then(step).catch((e) => log(`cleanup: ${String(e)}`));
  // One cleanup, awaited by every caller: a run that failed while a signal's cleanup was under
  // way returned (and exited) at once, leaving nodes, namespaces and mounts behind.
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      for (const step of cleanups.reverse()) await runStep(step);
    })());
  // The run goes on while an interrupt cleans up: something it creates after the cleanup began
  // (the clients' process, spawned once the nodes were up) is removed at once, not never.
  const onCleanup = (step: Step) => {
    if (cleaning) void runStep(step);
    else cleanups.push(step);
  };
  // Every signal is handled, not only the first: a second Ctrl-C used to hit Node's default
  // handler and end the harness mid-cleanup, leaving namespaces, mounts and a SIGSTOPped node.
  let interrupted = false;
  const onSignal = (signal: string) => {
    if (interrupted) {
      log(`${signal}: still removing what this run created; it exits when that is done`);
      return;
    }
    interrupted = true;
    log(`${signal}: removing everything this run created`);
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const netns = canUseNetns();
    let network: Network;
    if (netns.ok && !options.loopback) network = createNetnsNetwork(prefix, options.nodes, 5000, random);
    else {
      const why = options.loopback ? '--loopback' : netns.why;
      log(`network namespaces unavailable: ${why}; falling back to loopback with one TCP proxy per link`);
      network = await createLoopbackNetwork(options.nodes, why, random);
    }
    onCleanup(() => network.close());
    log(network.note);

    const token = randomBytes(16).toString('hex');
    const tmpfsMb = process.getuid?.() === 0 ? 64 : undefined;
    const lazy = tmpfsMb && options.faults.includes('power') ? lazyFsAvailable() : undefined;
    if (lazy) log(lazy.ok ? 'power cut: DATA_DIRs on lazyfs (FUSE) over their tmpfs; a cut drops every byte not fsynced' : `power cut: emulated from FSYNC_TRACE_FILE (no lazyfs: ${lazy.why})`);
    const nodes = new ClusterNodes(network, {
      main: MAIN,
      nodeFlags: serverNodeFlags(MAIN),
      clusterSecret: randomBytes(32).toString('hex'),
      authToken: token,
      appendFsync: options.fsync,
      dataRoot: join(out, 'data'),
      tmpfsMb,
      lazyFs: lazy?.ok,
      logDir: join(out, 'logs'),
    });
    onCleanup(() => nodes.closeAll());
    for (const name of nodes.names) nodes.start(name);
    for (const name of nodes.names) if (!(await nodes.waitReady(name))) throw new Error(`${name} did not become ready (see ${out}/logs/${name}.log)`);
    if ((await until(() => clusterConnected(network.nodes, token), 60_000)) === null) throw new Error('the cluster did not connect within 60 s');
    log(`${nodes.names.length} nodes up and connected`);
    const deadlinesPromised = await deadlinesEnforced(network.nodes[0], token);

    // The clients, on their own host.
    const opsFile = join(out, 'ops.jsonl');
    writeFileSync(opsFile, '');
    const workloadEnv = {
      PATH: process.env.PATH ?? '',
      // The clients import workspace packages by their tsconfig paths (@meshcache/test-support).
      TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json'),
      CHAOS_WORKLOAD: JSON.stringify({
        nodes: network.nodes.map((n) => ({ name: n.name, url: n.clientUrl })),
        token,
        clients: options.clients,
        keys: options.keys,
        seed,
        thinkMs: 20,
        timeoutMs: options.timeoutMs,
        maxMs: (options.seconds + 120) * 1000,
        out: opsFile,
      }),
    };
    const [wcmd, ...wargs] = [...network.client.exec, process.execPath, '--import', 'tsx', join(root, 'tools/chaos/src/workload/main.ts')];
    const workload = spawn(wcmd, wargs, { cwd: root, env: workloadEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    let workloadExited: { code: number | null; signal: string | null } | undefined;
    const workloadExit = new Promise<void>((r) =>
      workload.once('exit', (code, signal) => {
        workloadExited = { code, signal };
        r();
      }),
    );
    onCleanup(() => void workload.kill('SIGKILL'));

    const startedAt = Date.now();
    const faultRecords: Array<FaultRecord | CrashRecord> = [];
    const rows: FaultRow[] = [];
    const screenshots: Array<{ fault: string; file: string }> = [];
    const notes: string[] = [];
    const order = groupOrder(random, options.faults);
    const camera = new DashboardCamera();
    onCleanup(() => camera.close());
    const noCamera = options.screenshots ? DashboardCamera.unavailable(DASHBOARD_INDEX) : 'turned off (--no-screenshots)';
    if (noCamera) notes.push(`Dashboard screenshots: none, ${noCamera}`);
    await sleep(3000);
    let lastHeal = Date.now();
    for (let i = 0; Date.now() - startedAt < options.seconds * 1000; i++) {
      const plan = planFault(random, i, options.faults, nodes.names, order);
      const id = `f${i + 1}`;
      const skip = unavailable(plan, network, nodes);
      if (skip) {
        log(`fault ${id} ${plan.fault}: skipped (${skip})`);
        rows.push({ index: i + 1, group: plan.group, fault: plan.fault, targets: plan.targets, start: Date.now(), end: Date.now(), recoveredAt: null, mechanism: '', skipped: skip });
        continue;
      }
      const before = await capture(network.nodes, token);
      const bytesBefore = network.peerBytes();
      const start = Date.now();
      const injected = await inject(plan, network, nodes, id);
      log(`fault ${id} ${plan.fault} on ${plan.targets.join(',')}: ${injected.mechanism}; hold ${plan.holdMs} ms`);
      faultRecords.push({ kind: 'fault', id, fault: plan.fault, group: plan.group, phase: 'start', at: start, targets: plan.targets, mechanism: injected.mechanism });
      if (injected.crash) faultRecords.push(injected.crash);
      await sleep(plan.holdMs);
      const effect = await injected.heal();
      const end = Date.now();
      lastHeal = end;
      faultRecords.push({ kind: 'fault', id, fault: plan.fault, group: plan.group, phase: 'end', at: end, targets: plan.targets, mechanism: injected.mechanism });
      const recoveredAt = await until(() => clusterConnected(network.nodes, token), 30_000);
      log(`fault ${id} healed${effect ? ` (${effect})` : ''}; ${recoveredAt === null ? 'cluster NOT reconnected within 30 s' : `reconnected after ${recoveredAt - end} ms`}`);
      await sleep(1000);
      const captureDir = join(out, 'captures', `${i + 1}-${plan.fault}`);
      const after = await capture(network.nodes, token, captureDir);
      const counters = (m: Map<string, unknown>) => new Map([...m].flatMap(([k, v]) => (countersOf(v) ? [[k, countersOf(v) as StatusCounters] as const] : [])));
      const repair = summarizeRepair(counters(before.status), counters(after.status), after.events, { from: start, to: Date.now() }, network.peerBytes() - bytesBefore);
      rows.push({ index: i + 1, group: plan.group, fault: plan.fault, targets: plan.targets, start, end, recoveredAt, mechanism: injected.mechanism, repair, captureDir: relative(out, captureDir), writesDuring: 0 });
      if (!noCamera && !screenshots.some((s) => s.fault === plan.fault)) {
        const file = `screenshot-${plan.fault}.png`;
        // The dashboard of a node the fault hit, as its operator would open it.
        const target = network.nodes.find((n) => n.name === plan.targets[0]) ?? network.nodes[0];
        const shot = await camera.shoot(target.url, token, join(out, file));
        if (shot.ok) screenshots.push({ fault: plan.fault, file });
        else notes.push(`Dashboard screenshot after ${plan.fault} failed: ${shot.why}`);
      }
      await sleep(Math.round(between(random, 2000, 4000)));
    }

    // Stop the clients, then wait for the cluster to settle.
    workload.kill('SIGTERM');
    await Promise.race([workloadExit, sleep(options.timeoutMs + 15_000)]);
    const quietAt = Date.now();
    const healedAt = Math.max(lastHeal, quietAt);
    const convergedAt = await awaitConvergence(network.nodes, token, Math.max(60_000, options.convergeBoundMs * 3));
    log(convergedAt === null ? 'nodes did NOT converge' : `converged ${convergedAt - healedAt} ms after the last heal and the clients' stop`);
    const finals: FinalRecord[] = [];
    for (const node of network.nodes) finals.push({ kind: 'final', node: node.name, at: Date.now(), entries: await finalEntries(node, token) });

    const parsed = parseJsonl(readFileSync(opsFile, 'utf8'));
    if (!parsed.ok) throw new Error(`ops.jsonl line ${parsed.line}: ${parsed.message}`);
    const clientsFailed = workloadFailure(parsed.records.filter((r) => r.kind === 'op').length, workloadExited);
    if (clientsFailed !== undefined) throw new Error(clientsFailed);
    const timeOf = (r: HistoryRecord) => (r.kind === 'op' ? r.start : r.at);
    const history: HistoryRecord[] = [...parsed.records, ...faultRecords].sort((a, b) => timeOf(a) - timeOf(b));
    history.push(...finals);
    writeFileSync(join(out, 'history.jsonl'), toJsonl(history));
    for (const row of rows) {
      const until = row.recoveredAt ?? row.end;
      row.writesDuring = parsed.records.filter((r) => r.kind === 'op' && r.outcome === 'ok' && (r.type === 'set' || r.type === 'delete' || r.type === 'bulk') && r.end >= row.start && r.start <= until).length;
    }
    const result = check(history, { clockToleranceMs: 50, clockSettleMs: 15_000, deadlinesPromised, convergence: { healedAt, convergedAt, boundMs: options.convergeBoundMs }, powerLossBoundMs: powerLossBound(options) });
    const command = replayCommand(options, seed);
    const summary: RunSummary = {
      command,
      seed,
      mode: network.mode,
      networkNote: network.note,
      fsync: options.fsync,
      powerLossBoundMs: powerLossBound(options),
      startedAt,
      seconds: options.seconds,
      faults: rows,
      result,
      screenshots,
      notes: [
        ...notes,
        deadlinesPromised
          ? 'The nodes refuse writes past their X-Deadline-Ms (504 DEADLINE_EXCEEDED): a write stamped after its deadline is an anomaly.'
          : 'The nodes ignore X-Deadline-Ms (no 504 for a past deadline): writes applied after their client gave up are findings, not anomalies.',
        `Clients: ${options.clients} on ${network.mode === 'netns' ? 'their own host (namespace)' : 'loopback'}, ${options.keys} keys, ${options.timeoutMs} ms timeout`],
    };
    writeFileSync(join(out, 'timeline.svg'), await renderTimeline(history, rows, startedAt));
    writeFileSync(join(out, 'report.md'), renderReport(summary));
    writeFileSync(join(out, 'result.json'), JSON.stringify({ seed, valid: result.valid, anomalies: result.anomalies, findings: result.findings, ops: result.ops, convergeMs: result.convergeMs, crashes: result.crashes, faults: rows }, null, 2));
    await cleanup();
    log(`report: ${join(out, 'report.md')}`);
    for (const a of result.anomalies.slice(0, 20)) console.log(`  ${a.kind} ${a.key ?? ''}: ${a.detail}`);
    if (!result.valid) console.log(`replay: ${command}`);
    console.log(verdictLine(summary));
    return result.valid ? 0 : 1;
  } catch (e) {
    log(`harness failed: ${(e as Error).stack ?? String(e)}`);
    await cleanup();
    console.log(`VERDICT: ERROR — seed ${seed}: the harness failed (${(e as Error).message}); replay: ${replayCommand(options, seed)}`);
    return 3;
  }
}

// A reader that went away (a closed pipe) must not crash the run before it removed its hosts.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`chaos: ${parsed.message}`);
  process.exit(2);
}
void run(parsed.options).then((code) => process.exit(code));
