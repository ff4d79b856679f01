// `npm start`: builds what is needed, then runs a local N-node meshcache cluster (default 3 nodes
// on ports 5000-5002, each the others' peer), prints the URLs and stops every node on Ctrl-C.
// Options: --nodes <n>  --base-port <port>  --resp-base-port <port> (Redis protocol, default 6379;
//          0 turns it off)  --data-dir <dir> (persist node i in <dir>/node-i)  --no-build.
//          Any other environment (AUTH_TOKEN, CACHE_CAPACITY, ...) is passed through.
// The nodes share a CLUSTER_SECRET generated for this run unless one is set. A port already in
// use (another cluster, or any process) stops the start before any node is spawned.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

const urls = Array.from({ length: count }, (_, i) => `http://127.0.0.1:${basePort + i}`);
// Redis protocol ports 6379, 6380, ... beside the HTTP ports (0 turns RESP off on every node).
const respPorts = urls.map((_, i) => (respBasePort === 0 ? 0 : respBasePort + i));

// Checked before the build and the spawn: a node of an earlier cluster left running would
// otherwise answer this run's health probe while this run's own node fails with EADDRINUSE.
const host = process.env.HOST || '127.0.0.1';
const portTaken = (port) =>
  new Promise((resolveTaken) => {
    const probe = createServer();
    probe.once('error', (error) => resolveTaken(error.code === 'EADDRINUSE' || error.code === 'EACCES'));
    probe.listen(port, host, () => probe.close(() => resolveTaken(false)));
  });
const wanted = urls.flatMap((_, i) => [
  { port: basePort + i, what: `HTTP port of node-${i + 1}` },
  ...(respPorts[i] ? [{ port: respPorts[i], what: `Redis protocol port of node-${i + 1}` }] : []),
]);
const taken = [];
for (const p of wanted) if (await portTaken(p.port)) taken.push(p);
if (taken.length > 0) {
  for (const p of taken) console.error(`Port ${p.port} (${p.what}) on ${host} is in use: another meshcache cluster (an earlier \`npm start\`?) or another process holds it.`);
  console.error('Stop it, or choose other ports with --base-port and --resp-base-port.');
  process.exit(1);
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
// Each node's page may call the other nodes (switching node in the dashboard): allow them all.
const origins = [...urls, ...urls.map((u) => u.replace('127.0.0.1', 'localhost')), 'http://localhost:3000'].join(',');
let stopping = false;
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

const alive = (child) => child.exitCode === null && child.signalCode === null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Up means this run's own node answers: the id it was given, from a child still running (a
// process it does not own could hold the port since the check above, even one with that id).
const waitHealthy = async (url, i) => {
  for (let attempt = 0; attempt < 300 && alive(children[i]); attempt++) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok && (await res.json()).nodeId === `node-${i + 1}` && alive(children[i])) return true;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return false;
};

const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  // Signal first, print after: after a SIGHUP the terminal is gone and a write to it may fail.
  const exits = children.map(
    (child) =>
      new Promise((resolveExit) => {
        if (!alive(child)) return resolveExit();
        child.once('exit', resolveExit);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  );
  console.log('\nStopping the cluster ...');
  await Promise.all(exits);
  process.exit(code);
};
// The nodes run in their own process group, so no signal that ends this script reaches them:
// Ctrl-C (SIGINT), a closed terminal (SIGHUP) and kill (SIGTERM) all stop them here.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));
// A closed terminal must not end the script (EIO on a write) before it has stopped the nodes.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
// Last resort if the script dies some other way: its nodes do not outlive it.
process.on('exit', () => {
  for (const child of children) if (alive(child)) child.kill('SIGTERM');
});

// A node that exits before the cluster is up (a bad setting, a port taken since the check) ends
// the start at once, with the others stopped, instead of the wait running out.
const firstExit = new Promise((resolveExit) => children.forEach((child, i) => child.once('close', () => resolveExit(i))));
const outcome = await Promise.race([Promise.all(urls.map(waitHealthy)).then((healthy) => (healthy.every(Boolean) ? 'up' : 'timeout')), firstExit]);
if (outcome === 'up') {
  console.log(`\nmeshcache cluster of ${count} node(s) is up:`);
  urls.forEach((url, i) =>
    console.log(`  node-${i + 1}  ${url}   dashboard ${url}/   API ${url}/api/metrics${respPorts[i] ? `   redis-cli -p ${respPorts[i]}` : ''}`),
  );
  console.log('\nTry:  curl -X POST -H "content-type: application/json" -d \'{"key":"hello","value":"world"}\' ' + `${urls[0]}/api/cache`);
  console.log(`      curl ${urls[urls.length - 1]}/api/cache/hello`);
  if (respPorts[0]) console.log(`      redis-cli -p ${respPorts[0]}   (then SET k v, GET k, INFO replication)`);
  console.log('Press Ctrl-C to stop all nodes.');
} else {
  console.error(outcome === 'timeout' ? 'Some nodes did not become healthy within 30 s; see their output above.' : `node-${outcome + 1} exited before the cluster was up; see its output above.`);
  await stop(1);
}
