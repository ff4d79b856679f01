import { DEADLINE_HEADER } from '@meshcache/api-contract';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from './test/cluster-processes.js';

jest.setTimeout(90_000);

const valueAt = async (url: string, key: string): Promise<unknown> => {
  const r = await fetch(`${url}/api/cache/${encodeURIComponent(key)}`);
  return r.status === 200 ? ((await r.json()) as { value: { value: unknown } }).value.value : undefined;
};
const write = (url: string, key: string, value: string, headers: Record<string, string> = {}, timeoutMs = 10_000) =>
  fetch(`${url}/api/cache`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ key, value }), signal: AbortSignal.timeout(timeoutMs) });
const status = async (url: string) => (await (await fetch(`${url}/api/sync/status`)).json()) as { connectedNodes: number; lag: number };

/**
 * The fault a chaos run found: a client writes to a node that is frozen (SIGSTOP), gives up after
 * its timeout, and writes again through another node, which acknowledges. When the frozen node
 * resumes it must not apply the abandoned write: stamped at arrival, it would win last-writer-wins
 * over the acknowledged one on every node.
 */
describe('a write its client gave up on is not applied (2 real processes, one SIGSTOPped mid-request)', () => {
  const nodes: NodeProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    const ports = [await freePort(), await freePort()];
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    ports.forEach((port, i) =>
      nodes.push(spawnNode({ PORT: String(port), NODE_ID: `d${i + 1}`, SELF_URL: urls[i], PEER_NODES: urls[1 - i], CLUSTER_SECRET: 'deadline-test-secret' })),
    );
    for (const n of nodes) await eventually(async () => (await status(n.url)).connectedNodes === 1, `${n.url} linked`);
  });

  afterAll(async () => {
    for (const n of nodes) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGCONT');
        n.child.kill('SIGTERM');
        await n.exited;
      }
    }
  });

  it('refuses it after its X-Deadline-Ms, and without one once the client closed the connection', async () => {
    const [frozen, other] = nodes;
    expect((await write(frozen.url, 'with-deadline', 'before')).status).toBe(200);
    expect((await write(frozen.url, 'no-deadline', 'before')).status).toBe(200);
    await eventually(async () => (await valueAt(other.url, 'no-deadline')) === 'before', 'first writes replicated');

    frozen.child.kill('SIGSTOP');
    // Both clients give up after 1 s: the deadline header says so, the other only closes.
    const gaveUp = [
      write(frozen.url, 'with-deadline', 'abandoned', { [DEADLINE_HEADER]: String(Date.now() + 1000) }, 1000),
      write(frozen.url, 'no-deadline', 'abandoned', {}, 1000),
    ].map((p) => p.then(() => 'answered', () => 'gave up'));
    expect(await Promise.all(gaveUp)).toEqual(['gave up', 'gave up']);
    // Their retries through the other node are acknowledged.
    expect((await write(other.url, 'with-deadline', 'retried')).status).toBe(200);
    expect((await write(other.url, 'no-deadline', 'retried')).status).toBe(200);
    frozen.child.kill('SIGCONT');

    // The resumed node read the abandoned requests first; once it answers and has caught up, see what won.
    await eventually(async () => (await fetch(`${frozen.url}/ping`)).ok, 'frozen node answers again');
    await eventually(async () => (await status(frozen.url)).connectedNodes === 1 && (await status(other.url)).lag === 0 && (await status(frozen.url)).lag === 0, 'resumed node caught up');
    await new Promise((r) => setTimeout(r, 1000));
    for (const n of nodes) {
      expect(await valueAt(n.url, 'with-deadline')).toBe('retried');
      expect(await valueAt(n.url, 'no-deadline')).toBe('retried');
    }
    expect((await status(frozen.url)).lag).toBe(0);
  });

  it('answers a passed deadline with 504 DEADLINE_EXCEEDED and a malformed one with 400, applying neither', async () => {
    const [node] = nodes;
    const late = await write(node.url, 'late', 'x', { [DEADLINE_HEADER]: String(Date.now() - 1) });
    expect(late.status).toBe(504);
    expect(await late.json()).toMatchObject({ success: false, code: 'DEADLINE_EXCEEDED' });
    const bad = await write(node.url, 'late', 'x', { [DEADLINE_HEADER]: 'soon' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'headers.X-Deadline-Ms' }] });
    // Through Express too (a query string leaves the fast path), and on a delete.
    const viaExpress = await fetch(`${node.url}/api/cache?acks=0`, { method: 'POST', headers: { 'content-type': 'application/json', [DEADLINE_HEADER]: String(Date.now() - 1) }, body: JSON.stringify({ key: 'late', value: 'y' }) });
    expect(viaExpress.status).toBe(504);
    expect((await fetch(`${node.url}/api/cache/late`, { method: 'DELETE', headers: { [DEADLINE_HEADER]: '1' } })).status).toBe(504);
    expect(await valueAt(node.url, 'late')).toBeUndefined();
    const inTime = await write(node.url, 'late', 'z', { [DEADLINE_HEADER]: String(Date.now() + 60_000) });
    expect(inTime.status).toBe(200);
  });
});
