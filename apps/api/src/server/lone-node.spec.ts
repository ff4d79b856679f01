import { io } from 'socket.io-client';
import { startTestServer } from '../test/test-server.js';

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
});
