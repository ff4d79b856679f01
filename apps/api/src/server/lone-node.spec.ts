import { io } from 'socket.io-client';
import { eventually } from '../test/cluster-processes.js';
import { request, startTestServer } from '../test/test-server.js';

type Problem = { code: string; peer?: string; message: string };
const problemWith = async (url: string, peer: string): Promise<Problem | undefined> =>
  ((await request(url, 'GET', '/health')).body as { problems: Problem[] }).problems.find((p) => p.peer === peer);

const clusterConnect = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = io(`${url}/cluster`, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => (socket.close(), resolve('connected')));
    socket.once('connect_error', (error) => (socket.close(), resolve(error.message)));
  });

describe('cluster secret', () => {
  it('without CLUSTER_SECRET a node runs alone: its /cluster namespace does not exist, whatever secret an outsider tries', async () => {
    const server = await startTestServer();
    try {
      expect(await clusterConnect(server.url)).toBe('Invalid namespace');
    } finally {
      await server.close();
    }
  });

  it('with CLUSTER_SECRET peers may connect (and then prove the secret)', async () => {
    const server = await startTestServer({ CLUSTER_SECRET: 'a-long-cluster-secret' });
    try {
      expect(await clusterConnect(server.url)).toBe('connected');
    } finally {
      await server.close();
    }
  });

  it('a node that dials a peer without CLUSTER_SECRET names that cause, and links once the peer has the secret', async () => {
    const lone = await startTestServer({ NODE_ID: 'lone' });
    const dialer = await startTestServer({ NODE_ID: 'dialer', CLUSTER_SECRET: 'a-long-cluster-secret', PEER_NODES: lone.url });
    let fixed: Awaited<ReturnType<typeof startTestServer>> | undefined;
    try {
      await eventually(async () => (await problemWith(dialer.url, lone.url)) !== undefined, 'the dial problem');
      const problem = await problemWith(dialer.url, lone.url);
      expect(problem?.code).toBe('peer-refused-secret');
      expect(problem?.message).toMatch(/does not accept cluster links: it runs without CLUSTER_SECRET \(every node needs the same CLUSTER_SECRET\)/);
      expect(problem?.message).not.toMatch(/Invalid namespace/);
      // The peer restarted with the secret on the same port: the dialer tries again and links.
      await lone.close();
      fixed = await startTestServer({ NODE_ID: 'lone', PORT: String(lone.port), CLUSTER_SECRET: 'a-long-cluster-secret' });
      await eventually(async () => (await problemWith(dialer.url, lone.url)) === undefined && dialer.context.node.nodes().some((n) => n.id === 'lone' && n.state === 'up'), 'linked');
    } finally {
      await fixed?.close();
      await dialer.close();
      await lone.close();
    }
  });
});
