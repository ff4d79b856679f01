// `npm run bench:resp`: redis-benchmark against a real redis-server and a meshcache node
// (dist/apps/api/main.js, its RESP port) in the same run, each in its own process on 127.0.0.1,
// in interleaved rounds; ratios meshcache / redis-server are computed within each round.
//   BENCH_REQUESTS=200000 BENCH_CLIENTS=50 BENCH_ROUNDS=3 npm run bench:resp [-- --write-doc] [-- --profile]
// --write-doc replaces the "Redis protocol" section of docs/BENCHMARKS.md with the results.
// --profile   writes a CPU profile of the meshcache process to tmp/bench-resp/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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

/** requests/s per test from `redis-benchmark --csv` ("test","rps",...). */
const benchmark = (port: number, pipeline: number): Map<string, number> => {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-n', String(requests), '-c', String(clients), '-P', String(pipeline), '--csv'];
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    if (TESTS.includes(cells[0] as (typeof TESTS)[number])) out.set(cells[0], Number(cells[1]));
  }
  return out;
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
    { name: 'redis-server', port: redisPort },
    { name: 'meshcache', port: respPort },
  ];
  try {
    await waitUp(redisPort, redis, 'redis-server');
    await waitUp(respPort, meshcache, 'meshcache');
    const rps = new Map<string, number[]>();
    const ratios = new Map<string, number[]>();
    for (let round = 1; round <= rounds; round++) {
      for (const pipeline of PIPELINES) {
        const inRound = new Map<string, Map<string, number>>();
        for (const s of servers) {
          const result = benchmark(s.port, pipeline);
          inRound.set(s.name, result);
          for (const test of TESTS) {
            const key = `${s.name} ${test} P${pipeline}`;
            rps.set(key, [...(rps.get(key) ?? []), result.get(test) ?? 0]);
            console.log(`round ${round}  -P ${String(pipeline).padEnd(2)} ${test}  ${s.name.padEnd(12)} ${(result.get(test) ?? 0).toFixed(0).padStart(8)} req/s`);
          }
        }
        for (const test of TESTS) {
          const key = `${test} P${pipeline}`;
          const ratio = (inRound.get('meshcache')?.get(test) ?? 0) / (inRound.get('redis-server')?.get(test) ?? 1);
          ratios.set(key, [...(ratios.get(key) ?? []), ratio]);
        }
      }
    }
    const rows: string[] = [];
    for (const pipeline of PIPELINES) {
      for (const test of TESTS) {
        const ratio = median(ratios.get(`${test} P${pipeline}`) ?? [0]);
        const goal = GOALS[pipeline];
        rows.push(
          `| ${test} | ${pipeline === 1 ? 'none' : `-P ${pipeline}`} | ${median(rps.get(`redis-server ${test} P${pipeline}`) ?? [0]).toFixed(0)} | ${median(rps.get(`meshcache ${test} P${pipeline}`) ?? [0]).toFixed(0)} | ${ratio.toFixed(2)}× | ≥ ${goal}× ${ratio >= goal ? 'met' : 'NOT met'} |`,
        );
      }
    }
    const section = [
      `Command: \`BENCH_REQUESTS=${requests} BENCH_CLIENTS=${clients} BENCH_ROUNDS=${rounds} npm run bench:resp\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
        `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, shared with the load generator and other work (ratios within a round are what to read). ` +
        `Each round runs \`redis-benchmark -t set,get -n ${requests} -c ${clients}\` without pipelining and with \`-P 16\` against redis-server (\`--save '' --appendonly no\`) and against a meshcache node's RESP port (\`dist/apps/api/main.js\`, NODE_ENV=production, no peers), one after the other; medians of ${rounds} rounds, ratio meshcache / redis-server within each round.`,
      '',
      '| test | pipelining | redis-server req/s | meshcache req/s | meshcache / redis-server | goal |',
      '| --- | --- | ---: | ---: | ---: | --- |',
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
