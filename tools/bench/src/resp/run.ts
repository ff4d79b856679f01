// `npm run bench:resp`: redis-benchmark against a real redis-server and a meshcache node
// (dist/apps/api/main.js, its RESP port) in the same run, each in its own process on 127.0.0.1,
// in interleaved rounds; ratios meshcache / redis-server are computed within each round.
//   BENCH_REQUESTS=200000 BENCH_CLIENTS=50 BENCH_ROUNDS=3 npm run bench:resp [-- --write-doc] [-- --profile]
// --write-doc replaces the "Redis protocol" section of docs/BENCHMARKS.md with the results.
// --profile   writes a CPU profile of the meshcache process to tmp/bench-resp/.
// Besides requests/s, each server's CPU time per request is read from /proc (Linux): on a shared
// machine throughput follows the scheduler's luck, CPU time per request much less so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { writeDocSection } from '../write-doc-section.js';
import { freePort } from '@meshcache/test-support';

const root = resolve(__dirname, '../../../..');
const requests = Number(process.env.BENCH_REQUESTS ?? 200_000);
const clients = Number(process.env.BENCH_CLIENTS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const profile = process.argv.includes('--profile');
const PIPELINES = [1, 16] as const;
const TESTS = ['SET', 'GET'] as const;
/** The issue's goals: meshcache / redis-server at least this, per pipeline depth. */
const GOALS: Record<(typeof PIPELINES)[number], number> = { 1: 0.6, 16: 0.3 };

const need = (bin: string) => {
  if (spawnSync(bin, ['--version']).status !== 0) {
    console.error(`${bin} is missing: apt-get install -y redis-server redis-tools (.ci/run does)`);
    process.exit(1);
  }
};


const ping = (port: number): boolean => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() === 'PONG';

const waitUp = async (port: number, child: ChildProcess, name: string) => {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (ping(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not answer PING on ${port}`);
};

const clockTicksPerSecond = (): number => Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const TICK_US = 1e6 / clockTicksPerSecond();

/** CPU time (user + system) `pid` has used, in clock ticks; null where /proc is missing. */
const cpuTicks = (pid: number | undefined): number | null => {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
};

interface Measured {
  rps: number;
  /** The server's CPU µs per request, null without /proc. */
  cpuUs: number | null;
}

/** One `redis-benchmark` test against `port` (requests/s from `--csv`: "test","rps",...) and what it cost `pid` in CPU. */
const benchmark = (port: number, pid: number | undefined, pipeline: number, test: (typeof TESTS)[number], n = requests): Measured => {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', test.toLowerCase(), '-n', String(n), '-c', String(clients), '-P', String(pipeline), '--csv'];
  const before = cpuTicks(pid);
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const after = cpuTicks(pid);
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  let rps = 0;
  for (const line of r.stdout.split('\n')) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    if (cells[0] === test) rps = Number(cells[1]);
  }
  return { rps, cpuUs: before === null || after === null ? null : ((after - before) * TICK_US) / n };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const main = async () => {
  need('redis-server');
  need('redis-benchmark');
  if (!existsSync(join(root, 'dist/apps/api/main.js'))) {
    const built = spawnSync(process.execPath, [join(root, 'apps/api/build.mjs')], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(1);
  }
  const profileDir = join(root, 'tmp/bench-resp');
  mkdirSync(profileDir, { recursive: true });
  const redisPort = await freePort();
  const respPort = await freePort();
  const httpPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const meshcache = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(root, 'dist/apps/api/main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: String(httpPort), RESP_PORT: String(respPort), HOST: '127.0.0.1', NODE_ENV: 'production', CLUSTER_SECRET: 'bench-cluster-secret', NODE_ID: 'bench', ACCESS_LOG: 'false', LOG_LEVEL: 'warn', CACHE_CAPACITY: '1000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const servers = [
    { name: 'redis-server', port: redisPort, pid: redis.pid },
    { name: 'meshcache', port: respPort, pid: meshcache.pid },
  ];
  try {
    await waitUp(redisPort, redis, 'redis-server');
    await waitUp(respPort, meshcache, 'meshcache');
    const rps = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    const ratios = new Map<string, number[]>();
    const cpuRatios = new Map<string, number[]>();
    const push = (m: Map<string, number[]>, key: string, value: number) => m.set(key, [...(m.get(key) ?? []), value]);
    // A short unrecorded pass first, so meshcache's first round is not its JIT warm-up.
    for (const pipeline of PIPELINES) for (const test of TESTS) for (const s of servers) benchmark(s.port, s.pid, pipeline, test, Math.ceil(requests / 10));
    for (let round = 1; round <= rounds; round++) {
      for (const pipeline of PIPELINES) {
        for (const test of TESTS) {
          const inRound = new Map<string, Measured>();
          for (const s of servers) {
            const result = benchmark(s.port, s.pid, pipeline, test);
            inRound.set(s.name, result);
            push(rps, `${s.name} ${test} P${pipeline}`, result.rps);
            if (result.cpuUs !== null) push(cpu, `${s.name} ${test} P${pipeline}`, result.cpuUs);
            const cpuText = result.cpuUs === null ? '' : `  ${result.cpuUs.toFixed(2).padStart(6)} CPU µs/req`;
            console.log(`round ${round}  -P ${String(pipeline).padEnd(2)} ${test}  ${s.name.padEnd(12)} ${result.rps.toFixed(0).padStart(8)} req/s${cpuText}`);
          }
          const ours = inRound.get('meshcache') as Measured;
          const theirs = inRound.get('redis-server') as Measured;
          push(ratios, `${test} P${pipeline}`, ours.rps / (theirs.rps || 1));
          if (ours.cpuUs !== null && theirs.cpuUs !== null && ours.cpuUs > 0) push(cpuRatios, `${test} P${pipeline}`, theirs.cpuUs / ours.cpuUs);
        }
      }
    }
    const cell = (xs: number[] | undefined, digits: number, suffix = '') => (xs === undefined ? 'n/a' : `${median(xs).toFixed(digits)}${suffix}`);
    const rows: string[] = [];
    for (const pipeline of PIPELINES) {
      for (const test of TESTS) {
        const key = `${test} P${pipeline}`;
        const ratio = median(ratios.get(key) ?? [0]);
        const goal = GOALS[pipeline];
        rows.push(
          `| ${test} | ${pipeline === 1 ? 'none' : `-P ${pipeline}`} | ${median(rps.get(`redis-server ${key}`) ?? [0]).toFixed(0)} | ${median(rps.get(`meshcache ${key}`) ?? [0]).toFixed(0)} | ${ratio.toFixed(2)}× | ≥ ${goal}× ${ratio >= goal ? 'met' : 'NOT met'} | ${cell(cpu.get(`redis-server ${key}`), 2)} | ${cell(cpu.get(`meshcache ${key}`), 2)} | ${cell(cpuRatios.get(key), 2, '×')} |`,
        );
      }
    }
    const section = [
      `Command: \`BENCH_REQUESTS=${requests} BENCH_CLIENTS=${clients} BENCH_ROUNDS=${rounds} npm run bench:resp\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
        `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, shared with the load generator and other work (ratios within a round are what to read). ` +
        `Each round runs \`redis-benchmark -t set -n ${requests} -c ${clients}\` (then \`-t get\`) without pipelining and with \`-P 16\` against redis-server (\`--save '' --appendonly no\`) and against a meshcache node's RESP port (\`dist/apps/api/main.js\`, NODE_ENV=production, no peers), one after the other; medians of ${rounds} rounds, ratio meshcache / redis-server within each round. ` +
        `CPU µs/req is the server process's user + system CPU time (from /proc) over the run divided by the requests; the CPU ratio is redis-server's / meshcache's (the share of redis-server's efficiency meshcache reaches), steadier than throughput on a busy machine.`,
      '',
      '| test | pipelining | redis-server req/s | meshcache req/s | meshcache / redis-server | goal | redis-server CPU µs/req | meshcache CPU µs/req | CPU ratio |',
      '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
    console.log('\n' + section);
    if (process.argv.includes('--write-doc')) {
      const docPath = join(root, 'docs/BENCHMARKS.md');
      writeDocSection(docPath, '## Redis protocol (`npm run bench:resp`)', section);
      console.log(`\nwrote the Redis protocol section of ${docPath}`);
    }
  } finally {
    redis.kill('SIGTERM');
    meshcache.kill('SIGTERM');
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
