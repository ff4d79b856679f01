// `npm run bench:server`: meshcache (dist/apps/api/main.js, full middleware) against a bare
// node:http server and a plain Express 5 server, each in its own process on 127.0.0.1, measured
// with autocannon in interleaved rounds. Ratios are computed within each round.
//   BENCH_DURATION=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=50 npm run bench:server [-- --write-doc]
// --write-doc replaces the "Server" section of docs/BENCHMARKS.md with the results.
// --profile   writes a CPU profile of the meshcache process to tmp/bench-server/.
import autocannon from 'autocannon';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { writeDocSection } from '../write-doc-section.js';

const root = resolve(__dirname, '../../../..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const KEYS = 10_000;
// Sent to every server; meshcache checks it (reads and writes need it), the baselines ignore it.
const TOKEN = 'bench-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const profile = process.argv.includes('--profile');

interface Target {
  name: string;
  start(port: number): ChildProcess;
}

const forkTs = (file: string, port: number) =>
  fork(join(__dirname, file), [], { env: { ...process.env, PORT: String(port) }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });

const startMeshcache = (port: number, env: Record<string, string>) =>
  fork(join(root, 'dist/apps/api/main.js'), [], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', CLUSTER_SECRET: 'bench-cluster-secret', CACHE_CAPACITY: String(KEYS * 2), RATE_LIMIT_MAX: '1000000000', NODE_ID: 'bench', AUTH_TOKEN: TOKEN, RESP_PORT: '0', ...env },
    execArgv: profile && !env.TRUST_PROXY ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'tmp/bench-server')}`] : [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });

const targets: Target[] = [
  { name: 'node:http (Map)', start: (port) => forkTs('bare-http-target.ts', port) },
  { name: 'Express 5 (Map)', start: (port) => forkTs('express-target.ts', port) },
  { name: 'meshcache', start: (port) => startMeshcache(port, {}) },
  // The per-request access log (off by default): what one pino line per request costs.
  { name: 'meshcache, ACCESS_LOG=true', start: (port) => startMeshcache(port, { ACCESS_LOG: 'true' }) },
  // With TRUST_PROXY the client address comes from X-Forwarded-For, which only Express resolves,
  // so every request takes the full Express middleware stack: the cost the fast path avoids.
  { name: 'meshcache, TRUST_PROXY=1', start: (port) => startMeshcache(port, { TRUST_PROXY: '1' }) },
];

const waitUp = async (url: string) => {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`${url}/api/cache/warm`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not start`);
};

const preload = async (url: string) => {
  for (let start = 0; start < KEYS; start += 1000) {
    const items = Array.from({ length: 1000 }, (_, i) => ({ key: `key-${start + i}`, value: { id: start + i, name: `user ${start + i}`, tags: ['a', 'b'] } }));
    const r = await fetch(`${url}/api/cache/bulk`, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify({ items }) });
    if (!r.ok) throw new Error(`preload failed: ${r.status}`);
  }
};

interface Sample {
  rps: number;
  p99: number;
  errors: number;
}

const load = async (url: string, kind: 'GET' | 'POST'): Promise<Sample> => {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [
      kind === 'GET'
        ? { method: 'GET', headers: AUTH, setupRequest: (req) => ({ ...req, path: `/api/cache/key-${i++ % KEYS}` }) }
        : {
            method: 'POST',
            setupRequest: (req) => ({ ...req, path: '/api/cache', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify({ key: `key-${i++ % KEYS}`, value: { id: i, name: 'bench' } }) }),
          },
    ],
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const main = async () => {
  if (!existsSync(join(root, 'dist/apps/api/main.js'))) {
    const built = spawnSync(process.execPath, [join(root, 'apps/api/build.mjs')], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(1);
  }
  mkdirSync(join(root, 'tmp/bench-server'), { recursive: true });
  const basePort = 5700;
  const running = targets.map((t, i) => ({ target: t, url: `http://127.0.0.1:${basePort + i}`, child: t.start(basePort + i) }));
  try {
    for (const r of running) {
      await waitUp(r.url);
      await preload(r.url);
    }
    const samples = new Map<string, { GET: Sample[]; POST: Sample[] }>(running.map((r) => [r.target.name, { GET: [], POST: [] }]));
    const ratios = new Map<string, { GET: number[]; POST: number[] }>(running.map((r) => [r.target.name, { GET: [], POST: [] }]));
    for (let round = 1; round <= rounds; round++) {
      for (const kind of ['GET', 'POST'] as const) {
        const inRound = new Map<string, Sample>();
        for (const r of running) {
          const s = await load(r.url, kind);
          inRound.set(r.target.name, s);
          samples.get(r.target.name)![kind].push(s);
          console.log(`round ${round} ${kind.padEnd(4)} ${r.target.name.padEnd(28)} ${s.rps.toFixed(0).padStart(7)} req/s  p99 ${s.p99} ms  errors ${s.errors}`);
        }
        const bare = inRound.get(targets[0].name)!.rps;
        for (const [name, s] of inRound) ratios.get(name)![kind].push(s.rps / bare);
      }
    }
    const rows = running.map(({ target }) => {
      const s = samples.get(target.name)!;
      const q = ratios.get(target.name)!;
      return `| ${target.name} | ${median(s.GET.map((x) => x.rps)).toFixed(0)} | ${median(s.GET.map((x) => x.p99))} | ${median(q.GET).toFixed(2)}× | ${median(s.POST.map((x) => x.rps)).toFixed(0)} | ${median(s.POST.map((x) => x.p99))} | ${median(q.POST).toFixed(2)}× |`;
    });
    const section = [
      `Command: \`BENCH_DURATION=${duration} BENCH_ROUNDS=${rounds} BENCH_CONNECTIONS=${connections} npm run bench:server\` — ${new Date().toISOString().slice(0, 10)}, ` +
        `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} (shared). Each server runs in its own process on 127.0.0.1 with ${KEYS.toLocaleString('en')} keys preloaded; ` +
        `autocannon with ${connections} connections, ${duration} s per measurement, ${rounds} interleaved rounds; medians, ratio to node:http within each round.`,
      '',
      'meshcache runs `dist/apps/api/main.js` with `NODE_ENV=production` and its defaults plus `AUTH_TOKEN` (security headers, compression, CORS, JSON body parser, rate limiter with a limit high enough not to refuse, Prometheus counters and latency histogram, bearer-token check; the access log is off by default and on in the `ACCESS_LOG=true` row); the baselines only look up or set a `Map`.',
      '',
      '| server | GET req/s | GET p99 ms | GET vs node:http | POST req/s | POST p99 ms | POST vs node:http |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
    console.log('\n' + section);
    if (process.argv.includes('--write-doc')) {
      const docPath = join(root, 'docs/BENCHMARKS.md');
      writeDocSection(docPath, '## Server (`npm run bench:server`)', section);
      console.log(`\nwrote the Server section of ${docPath}`);
    }
  } finally {
    for (const r of running) r.child.kill('SIGTERM');
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
