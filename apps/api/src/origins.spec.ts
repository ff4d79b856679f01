import { io, type Socket } from 'socket.io-client';
import { ClusterAttacker } from './test/cluster-attacker.js';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from './test/cluster-processes.js';

jest.setTimeout(60_000);

/** Opens the dashboard socket with `origin`; resolves to 'connected' or the refusal message. */
const dashboardOutcome = async (url: string, origin: string | undefined): Promise<string> => {
  const socket: Socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(origin === undefined ? {} : { extraHeaders: { origin } }) });
  try {
    return await new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (error: Error) => resolve(`refused: ${error.message}`));
    });
  } finally {
    socket.disconnect();
  }
};

describe('WebSocket origins (a real process)', () => {
  let node: NodeProcess;

  beforeAll(async () => {
    ensureBuilt();
    const port = await freePort();
    node = spawnNode({ PORT: String(port), NODE_ID: 'origin-node', FRONTEND_URL: 'http://dashboard.example:3000', CLUSTER_SECRET: 'origin-test-secret' });
    await eventually(async () => (await fetch(`${node.url}/health`)).status === 200, 'node up');
  });

  afterAll(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
  });

  it('opens the dashboard socket only from FRONTEND_URL, the node itself, or a client without an Origin', async () => {
    expect(await dashboardOutcome(node.url, 'http://evil.example')).toMatch(/^refused/);
    expect(await dashboardOutcome(node.url, 'http://dashboard.example:3000')).toBe('connected');
    expect(await dashboardOutcome(node.url, node.url)).toBe('connected');
    expect(await dashboardOutcome(node.url, undefined)).toBe('connected');
  });

  it('refuses /cluster from any browser page, even one the dashboard socket accepts', async () => {
    const fromDashboard = new ClusterAttacker(node.url, { extraHeaders: { origin: 'http://dashboard.example:3000' } });
    const fromSelf = new ClusterAttacker(node.url, { extraHeaders: { origin: node.url } });
    const fromEvil = new ClusterAttacker(node.url, { extraHeaders: { origin: 'http://evil.example' } });
    try {
      await eventually(async () => [fromDashboard, fromSelf, fromEvil].every((a) => a.connectError !== null || a.connected), 'outcomes');
      expect(fromDashboard.connectError).toMatch(/browser/);
      expect(fromSelf.connectError).toMatch(/browser/);
      expect(fromEvil.connected).toBe(false);
      expect(fromDashboard.received).toEqual([]);
    } finally {
      for (const a of [fromDashboard, fromSelf, fromEvil]) a.close();
    }
  });
});
