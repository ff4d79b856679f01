import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from '../test/cluster-processes.js';
import { fillDisk } from '../test/fill-disk.js';

jest.setTimeout(120_000);

/**
 * A real node whose DATA_DIR is a 2 MiB tmpfs, filled to the last byte while clients write; a
 * second node (no disk) is its peer. Needs root (CI runs as root): skipped, saying so, when
 * mounting is not permitted.
 */
const base = mkdtempSync(join(tmpdir(), 'meshcache-diskfull-'));
const mountPoint = join(base, 'data');
mkdirSync(mountPoint);
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { encoding: 'utf8' });
const mounted = mount.status === 0;
if (!mounted) {
  process.stderr.write(`disk-full process test SKIPPED: cannot mount a tmpfs (${(mount.stderr || mount.error?.message || '').trim()}); it needs root\n`);
}

const post = (url: string, path: string, body: unknown) =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const valueAt = async (url: string, key: string): Promise<unknown> => {
  const r = await fetch(`${url}/api/cache/${encodeURIComponent(key)}`);
  return r.status === 200 ? ((await r.json()) as { value: { value: unknown } }).value.value : undefined;
};
const healthy = async (url: string) => (await fetch(`${url}/health`)).status === 200;
const metric = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

(mounted ? describe : describe.skip)('a node whose DATA_DIR fills up (2 MiB tmpfs)', () => {
  const nodes: NodeProcess[] = [];
  let env: Record<string, string>;
  let peer: NodeProcess;

  beforeAll(async () => {
    ensureBuilt();
    const [port, peerPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    env = {
      PORT: String(port),
      NODE_ID: 'disk',
      SELF_URL: url,
      PEER_NODES: peerUrl,
      CLUSTER_SECRET: 'disk-full-test-secret',
      DATA_DIR: mountPoint,
      APPEND_FSYNC: 'always',
      DISK_PROBE_INTERVAL_MS: '200',
      SNAPSHOT_INTERVAL_MS: '3600000',
    };
    nodes.push(spawnNode(env));
    peer = spawnNode({ PORT: String(peerPort), NODE_ID: 'peer', SELF_URL: peerUrl, PEER_NODES: url, CLUSTER_SECRET: 'disk-full-test-secret' });
    for (const n of [nodes[0], peer]) await eventually(() => healthy(n.url), `${n.url} healthy`);
    // Linked both ways, with no problem left from the disk node's first attempt at its peer (the
    // peer starts after it): the test reads /health for the disk's state alone.
    const linked = async (n: NodeProcess) => ((await (await fetch(`${n.url}/api/sync/status`)).json()) as { connectedNodes: number }).connectedNodes === 1;
    const clear = async (n: NodeProcess) => ((await (await fetch(`${n.url}/health`)).json()) as { problems: unknown[] }).problems.length === 0;
    for (const n of [nodes[0], peer]) await eventually(async () => (await linked(n)) && (await clear(n)), `${n.url} linked to its peer, no problem`);
  });

  afterAll(async () => {
    for (const n of [...nodes, peer]) {
      if (n && n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGKILL');
        await n.exited;
      }
    }
    spawnSync('umount', [mountPoint]);
    rmSync(base, { recursive: true, force: true });
  });

  it('answers 507 DISK_FULL without applying or replicating, stays up, recovers by itself, and loses no acknowledged write across kill -9', async () => {
    const node = nodes[0];
    const acknowledged = new Map<string, string>();
    const value = (i: number) => `v${i}-${'x'.repeat(1500)}`;
    for (let i = 0; i < 20; i++) {
      const r = await post(node.url, '/api/cache', { key: `before-${i}`, value: value(i) });
      expect(r.status).toBe(200);
      acknowledged.set(`before-${i}`, value(i));
    }
    const filler = fillDisk(mountPoint);

    // Fast path (POST /api/cache): every write is either acknowledged or refused with 507.
    const refused: string[] = [];
    for (let i = 0; i < 30; i++) {
      const key = `full-${i}`;
      const r = await post(node.url, '/api/cache', { key, value: value(i) });
      if (r.status === 200) acknowledged.set(key, value(i));
      else {
        expect(r.status).toBe(507);
        expect(await r.json()).toMatchObject({ success: false, code: 'DISK_FULL', message: expect.stringMatching(/read-only/) });
        refused.push(key);
      }
    }
    expect(refused.length).toBeGreaterThan(0);
    // Express path: a delete is refused the same way and changes nothing.
    const del = await fetch(`${node.url}/api/cache/before-0`, { method: 'DELETE' });
    expect(del.status).toBe(507);
    expect(await del.json()).toMatchObject({ code: 'DISK_FULL' });
    expect(await valueAt(node.url, 'before-0')).toBe(value(0));
    const bulk = await post(node.url, '/api/cache/bulk', { items: [{ key: 'bulk-refused', value: 1 }] });
    expect(((await bulk.json()) as { successCount: number }).successCount).toBe(0);
    for (const key of [...refused, 'bulk-refused']) expect(await valueAt(node.url, key)).toBeUndefined();
    expect(await metric(node.url, 'meshcache_disk_writable')).toBe(0);
    const health = (await (await fetch(`${node.url}/health`)).json()) as { status: string; problems: { code: string }[] };
    expect(health).toMatchObject({ status: 'degraded', problems: [expect.objectContaining({ code: 'disk-read-only' })] });
    // Replication's own status says it too: the node refuses its peers' streams meanwhile.
    const syncProblems = async () => ((await (await fetch(`${node.url}/api/sync/status`)).json()) as { problems: { code: string }[] }).problems;
    expect(await syncProblems()).toEqual([expect.objectContaining({ code: 'disk-read-only' })]);
    expect(node.output.join('')).toMatch(/ENOSPC[\s\S]*read-only/);
    expect(node.child.exitCode).toBeNull();

    unlinkSync(filler);
    await eventually(async () => (await metric(node.url, 'meshcache_disk_writable')) === 1, 'disk writable again');
    const after = await post(node.url, '/api/cache', { key: 'after', value: 'recovered' });
    expect(after.status).toBe(200);
    acknowledged.set('after', 'recovered');
    // Replication is in order per origin: once the peer has `after`, it had every earlier write.
    await eventually(async () => (await valueAt(peer.url, 'after')) === 'recovered', 'peer has the write made after recovery');
    for (const key of [...refused, 'bulk-refused']) expect(await valueAt(peer.url, key)).toBeUndefined();
    expect(((await (await fetch(`${node.url}/health`)).json()) as { problems: { code: string }[] }).problems).toEqual([]);
    expect(await syncProblems()).toEqual([]);

    // The peer goes too, so only the disk can bring the writes back.
    peer.child.kill('SIGKILL');
    await peer.exited;
    node.child.kill('SIGKILL');
    await node.exited;
    const restarted = spawnNode({ ...env, PEER_NODES: '' });
    nodes[0] = restarted;
    await eventually(() => healthy(restarted.url), 'restarted node healthy');
    for (const [key, v] of acknowledged) expect(await valueAt(restarted.url, key)).toBe(v);
    for (const key of refused) expect(await valueAt(restarted.url, key)).toBeUndefined();
  });
});
