import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';

jest.setTimeout(60_000);

const root = resolve(__dirname, '../..');

/** The processes started with this run's secret, other than `except` (the script itself). */
const processesWith = (secret: string, except: number | undefined): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== except)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`CLUSTER_SECRET=${secret}`);
      } catch {
        return false;
      }
    })
    .map(Number);

const listen = (port: number): Promise<Server | null> =>
  new Promise((resolveServer) => {
    const server = createServer();
    server.once('error', () => resolveServer(null));
    server.listen(port, '127.0.0.1', () => resolveServer(server));
  });

/** A base port with `n` free HTTP ports above it and `n` free RESP ports at base + 100. */
const freeBase = async (n: number): Promise<number> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const held = await Promise.all(Array.from({ length: n }, (_, i) => [listen(base + i), listen(base + 100 + i)]).flat());
    await Promise.all(held.map((s) => new Promise((r) => (s === null ? r(null) : s.close(r)))));
    if (held.every((s) => s !== null)) return base;
  }
  throw new Error(`no ${n} free port pairs found in 50 tries`);
};

type Run = { script: ChildProcess; secret: string; output: () => string; exit: (withinMs: number) => Promise<number | 'still running'> };

const runs: Run[] = [];

const start = (base: number, nodes: number, env: Record<string, string> = {}): Run => {
  const secret = randomBytes(16).toString('hex');
  const script = spawn(process.execPath, [join(root, 'tools/cluster/start.mjs'), '--no-build', '--nodes', String(nodes), '--base-port', String(base), '--resp-base-port', String(base + 100)], {
    cwd: root,
    env: { ...process.env, ...env, CLUSTER_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [script.stdout, script.stderr]) stream?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number>((r) => script.once('exit', (code, signal) => r(code ?? (signal === null ? -1 : 128))));
  const run: Run = {
    script,
    secret,
    output: () => output,
    exit: (withinMs) => Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), withinMs).unref())]),
  };
  runs.push(run);
  return run;
};

const waitForOutput = async (run: Run, pattern: RegExp, withinMs: number): Promise<void> => {
  const deadline = Date.now() + withinMs;
  while (!pattern.test(run.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!pattern.test(run.output())) throw new Error(`no ${pattern} in:\n${run.output()}`);
};

afterEach(() => {
  for (const run of runs.splice(0)) {
    if (run.script.exitCode === null && run.script.signalCode === null) run.script.kill('SIGKILL');
    for (const pid of processesWith(run.secret, run.script.pid)) process.kill(pid, 'SIGKILL');
  }
});

describe('npm start (tools/cluster/start.mjs)', () => {
  it.each(['SIGHUP', 'SIGTERM'] as const)('stops every node when the script gets %s (a closed terminal, kill)', async (signal) => {
    const run = start(await freeBase(2), 2);
    await waitForOutput(run, /cluster of 2 node\(s\) is up/, 30_000);
    expect(processesWith(run.secret, run.script.pid)).toHaveLength(2);
    run.script.kill(signal);
    expect(await run.exit(15_000)).toBe(0);
    expect(processesWith(run.secret, run.script.pid)).toEqual([]);
  });

  it('refuses to start when another process holds one of its ports, naming the port', async () => {
    const base = await freeBase(2);
    const holder = await listen(base + 1);
    try {
      const run = start(base, 2);
      expect(await run.exit(15_000)).toBe(1);
      expect(run.output()).toContain(`Port ${base + 1} (HTTP port of node-2) on 127.0.0.1 is in use: another meshcache cluster`);
      expect(run.output()).not.toMatch(/is up/);
      expect(processesWith(run.secret, run.script.pid)).toEqual([]);
    } finally {
      holder?.close();
    }
  });

  it('fails at once, stopping the other nodes, when a node exits before the cluster is up', async () => {
    // Every node refuses the setting at its start: the script must not wait out its 30 s.
    const run = start(await freeBase(2), 2, { CACHE_CAPACITY: '0' });
    expect(await run.exit(15_000)).toBe(1);
    expect(run.output()).toMatch(/node-\d exited before the cluster was up/);
    expect(processesWith(run.secret, run.script.pid)).toEqual([]);
  });
});
