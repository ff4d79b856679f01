// `npm start`: builds what is needed, then runs a local N-node meshcache cluster (default 3 nodes
// on ports 5000-5002, each the others' peer), prints the URLs and stops every node on Ctrl-C.
// Options: --nodes <n>  --base-port <port>  --resp-base-port <port> (Redis protocol, default 6379;
//          0 turns it off)  --data-dir <dir> (persist node i in <dir>/node-i)  --no-build.
//          Any other environment (AUTH_TOKEN, CACHE_CAPACITY, ...) is passed through.
// The nodes share a CLUSTER_SECRET generated for this run unless one is set.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const count = Number(option('--nodes', '3'));
const basePort = Number(option('--base-port', '5000'));
const respBasePort = Number(option('--resp-base-port', '6379'));
const dataDir = option('--data-dir', undefined);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(basePort) || basePort < 1 || !Number.isInteger(respBasePort) || respBasePort < 0) {
  console.error('usage: node tools/cluster/start.mjs [--nodes n] [--base-port port] [--resp-base-port port] [--data-dir dir] [--no-build]');
  process.exit(2);
}

if (!args.includes('--no-build')) {
  // The server bundle and, when the project exists, the dashboard it serves at /.
  const projects = ['api', ...(existsSync(join(root, 'apps/dashboard/project.json')) ? ['dashboard'] : [])];
  console.log(`Building ${projects.join(' + ')} (nx run-many -t build) ...`);
  const built = spawnSync(join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', projects.join(','), '--output-style=static'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  if (built.status !== 0) {
    console.error('Build failed.');
    process.exit(built.status ?? 1);
  }
}
const main = join(root, 'dist/apps/api/main.js');
if (!existsSync(main)) {
  console.error(`${main} is missing: run without --no-build.`);
  process.exit(1);
}

// The V8 flags the server runs with, as the build wrote them (apps/api/src/server/node-flags.ts).
const nodeFlags = JSON.parse(readFileSync(join(root, 'dist/apps/api/package.json'), 'utf8')).nodeFlags ?? [];

// No well-known secret: this cluster's nodes share one made for this run (or CLUSTER_SECRET).
const clusterSecret = process.env.CLUSTER_SECRET || randomBytes(32).toString('hex');
const urls = Array.from({ length: count }, (_, i) => `http://127.0.0.1:${basePort + i}`);
// Redis protocol ports 6379, 6380, ... beside the HTTP ports (0 turns RESP off on every node).
const respPorts = urls.map((_, i) => (respBasePort === 0 ? 0 : respBasePort + i));
// Each node's page may call the other nodes (switching node in the dashboard): allow them all.
const origins = [...urls, ...urls.map((u) => u.replace('127.0.0.1', 'localhost')), 'http://localhost:3000'].join(',');
const children = urls.map((url, i) => {
  const env = {
    ...process.env,
    PORT: String(basePort + i),
    RESP_PORT: String(respPorts[i]),
    NODE_ID: `node-${i + 1}`,
    SELF_URL: url,
    PEER_NODES: urls.filter((u) => u !== url).join(','),
    CLUSTER_SECRET: clusterSecret,
    FRONTEND_URL: process.env.FRONTEND_URL ?? origins,
    ...(dataDir ? { DATA_DIR: join(resolve(dataDir), `node-${i + 1}`) } : {}),
  };
  // Own process group: a terminal's Ctrl-C reaches only this script, which stops each node once
  // (a node treats a second signal as "exit now").
  const child = spawn(process.execPath, [...nodeFlags, main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `[node-${i + 1}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`${prefix}exited (${signal ?? code})`);
  });
  return child;
});

const waitHealthy = async (url) => {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the cluster ...');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolveExit) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
          child.once('exit', resolveExit);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const healthy = await Promise.all(urls.map(waitHealthy));
if (healthy.every(Boolean)) {
  console.log(`\nmeshcache cluster of ${count} node(s) is up:`);
  urls.forEach((url, i) =>
    console.log(`  node-${i + 1}  ${url}   dashboard ${url}/   API ${url}/api/metrics${respPorts[i] ? `   redis-cli -p ${respPorts[i]}` : ''}`),
  );
  console.log('\nTry:  curl -X POST -H "content-type: application/json" -d \'{"key":"hello","value":"world"}\' ' + `${urls[0]}/api/cache`);
  console.log(`      curl ${urls[urls.length - 1]}/api/cache/hello`);
  if (respPorts[0]) console.log(`      redis-cli -p ${respPorts[0]}   (then SET k v, GET k, INFO replication)`);
  console.log('Press Ctrl-C to stop all nodes.');
} else {
  console.error('Some nodes did not become healthy; see their output above.');
}
