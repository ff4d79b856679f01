import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, MAIN, spawnNode, type NodeProcess } from './test/cluster-processes.js';

jest.setTimeout(60_000);

const post = (url: string, path: string, body: unknown) =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const valueAt = async (url: string, key: string): Promise<unknown> => {
  const r = await fetch(`${url}/api/cache/${encodeURIComponent(key)}`);
  return r.status === 200 ? ((await r.json()) as { value: { value: unknown } }).value.value : undefined;
};
const healthy = async (url: string) => (await fetch(`${url}/health`)).status === 200;

describe('3 real dist/apps/api/main.js processes', () => {
  const nodes: NodeProcess[] = [];
  let dataDir: string;
  let envs: Record<string, string>[];

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'meshcache-cluster-'));
    const ports = [await freePort(), await freePort(), await freePort()];
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    envs = ports.map((port, i) => ({
      PORT: String(port),
      NODE_ID: `n${i + 1}`,
      SELF_URL: urls[i],
      PEER_NODES: urls.filter((_, j) => j !== i).join(','),
      CLUSTER_SECRET: 'cluster-test-secret',
      DATA_DIR: join(dataDir, `n${i + 1}`),
    }));
    for (const env of envs) nodes.push(spawnNode(env));
    for (const n of nodes) await eventually(() => healthy(n.url), `${n.url} healthy`);
  });

  afterAll(async () => {
    for (const n of nodes) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGTERM');
        await n.exited;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('replicates a write through one node to the others', async () => {
    expect((await post(nodes[0].url, '/api/cache', { key: 'greeting', value: 'hello' })).status).toBe(200);
    await eventually(async () => (await valueAt(nodes[1].url, 'greeting')) === 'hello', 'n2 has greeting');
    await eventually(async () => (await valueAt(nodes[2].url, 'greeting')) === 'hello', 'n3 has greeting');
    const page = (await (await fetch(`${nodes[1].url}/api/cache?prefix=gree`)).json()) as { items: { key: string }[] };
    expect(page.items.map((i) => i.key)).toEqual(['greeting']);
    await post(nodes[1].url, '/api/strategy', { strategy: 'LFU' });
    await eventually(async () => ((await (await fetch(`${nodes[0].url}/api/metrics`)).json()) as { cache: { strategy: string } }).cache.strategy === 'LFU', 'n1 switched to LFU');
  });

  it('replicates a value larger than socket.io\'s 1 MB default frame', async () => {
    // Written on every node, so it crosses each link in both directions (dialer and acceptor).
    const big = (i: number) => String(i).repeat(3 * 1024 * 1024);
    for (const [i, n] of nodes.entries()) expect((await post(n.url, '/api/cache', { key: `big-${i}`, value: big(i) })).status).toBe(200);
    for (const [i] of nodes.entries()) {
      for (const n of nodes) await eventually(async () => (await valueAt(n.url, `big-${i}`)) === big(i), `${n.url} has big-${i}`);
    }
  });

  it('survives kill -9 with DATA_DIR: restarts with its own data and catches up', async () => {
    const n3 = nodes[2];
    // A write only n3 has (its sync is off), so only its disk can bring it back.
    expect(((await (await post(n3.url, '/api/sync/toggle', { enabled: false })).json()) as { syncEnabled: boolean }).syncEnabled).toBe(false);
    expect((await post(n3.url, '/api/cache', { key: 'local-only', value: 42 })).status).toBe(200);
    // Its peers learn it is paused from its heartbeats: never "in sync" while its writes wait.
    const pausedOnN1 = async () => {
      const [health, status] = await Promise.all([fetch(`${nodes[0].url}/health`), fetch(`${nodes[0].url}/api/sync/status`)]);
      const { problems } = (await health.json()) as { problems: { code: string; peer?: string }[] };
      const { nodeList } = (await status.json()) as { nodeList: { id: string; paused?: boolean }[] };
      return problems.some((p) => p.code === 'sync-paused' && p.peer === 'n3') && nodeList.some((p) => p.id === 'n3' && p.paused === true);
    };
    await eventually(pausedOnN1, 'n1 shows n3 paused on /health and in its node list');
    n3.child.kill('SIGKILL');
    await n3.exited;

    expect((await post(nodes[0].url, '/api/cache', { key: 'while-down', value: 'caught up' })).status).toBe(200);

    const restarted = spawnNode(envs[2]);
    nodes[2] = restarted;
    await eventually(() => healthy(restarted.url), 'n3 healthy again');
    expect(await valueAt(restarted.url, 'local-only')).toBe(42);
    expect(await valueAt(restarted.url, 'greeting')).toBe('hello');
    await eventually(async () => (await valueAt(restarted.url, 'while-down')) === 'caught up', 'n3 caught up');
    expect(restarted.output.join('')).not.toMatch(/"level":(50|60)/);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const n1 = nodes[0];
    n1.child.kill('SIGTERM');
    expect(await n1.exited).toBe(0);
  });
});

describe('the meshcache bin', () => {
  beforeAll(() => ensureBuilt());

  it('`serve --help` lists every variable', () => {
    const r = spawnSync(process.execPath, [MAIN, 'serve', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const name of ['PORT', 'CACHE_CAPACITY', 'PEER_NODES', 'DATA_DIR', 'APPEND_FSYNC', 'AUTH_TOKEN', 'JWT_SECRET', 'CLUSTER_SECRET']) expect(r.stdout).toContain(name);
  });

  it('stops on an invalid setting with a message naming it', () => {
    const r = spawnSync(process.execPath, [MAIN], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', CACHE_CAPACITY: 'lots' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CACHE_CAPACITY \(--cache-capacity\): must be a number/);
  });
});
