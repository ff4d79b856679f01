import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode } from './test/cluster-processes.js';

jest.setTimeout(60_000);

/** Real main.js processes: a configuration that would expose the node never opens its port. */
describe('start-up refusals (real process)', () => {
  beforeAll(() => ensureBuilt());

  const refused = async (env: Record<string, string>) => {
    const port = await freePort();
    const node = spawnNode({ PORT: String(port), ...env });
    const code = await node.exited;
    return { code, output: node.output.join(''), port };
  };

  it('refuses to listen on every interface without client auth, naming what to set', async () => {
    const r = await refused({ HOST: '0.0.0.0' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/AUTH_TOKEN.*JWT_SECRET.*HOST=127\.0\.0\.1.*ALLOW_INSECURE=true/s);
    await expect(fetch(`http://127.0.0.1:${r.port}/ping`)).rejects.toThrow();
  });

  it('refuses PEER_NODES without CLUSTER_SECRET, saying why', async () => {
    const r = await refused({ PEER_NODES: 'node1.com:5000' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/CLUSTER_SECRET \(--cluster-secret\): required with PEER_NODES/);
  });

  it('starts alone with no configuration on loopback', async () => {
    const port = await freePort();
    const node = spawnNode({ PORT: String(port), HOST: '' });
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 'lone node healthy');
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { nodeId: string };
      expect(health.nodeId).toMatch(/^node-[0-9a-f]{12}$/);
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  });
});
