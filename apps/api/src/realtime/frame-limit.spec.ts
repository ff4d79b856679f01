import { PRE_AUTH_MAX_HTTP_BUFFER_SIZE } from '@meshcache/sync-node';
import { Manager } from 'socket.io-client';
import type { RunningServer } from '../server/start-server.js';
import { startTestServer } from '../test/test-server.js';

jest.setTimeout(180_000);

/**
 * The WebSocket close code that ended an engine.io connection after it sent `payload` before
 * authenticating: 1009 (message too big) is the server refusing the frame from its header,
 * before reading it; anything else means the message was read first.
 */
const sendBeforeAuth = (url: string, payload: string): Promise<number | string> =>
  new Promise((resolve) => {
    const manager = new Manager(url, { transports: ['websocket'], reconnection: false, autoConnect: false, timeout: 60_000 });
    manager.open((error) => {
      if (error) return resolve(`open failed: ${error.message}`);
      const engine = manager.engine;
      engine.once('close', (reason, description) => resolve((description as { context?: { code?: number } } | undefined)?.context?.code ?? reason));
      engine.send(payload);
    });
  });

describe('frames before authentication', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_TOKEN: 'frame-token-1', CLUSTER_SECRET: 'a-long-cluster-secret' });
  });
  afterAll(() => server.close());

  it('closes the connection of each of 12 unauthenticated clients sending a 16 MB message, before buffering it', async () => {
    // One string shared by all clients: a socket.io event frame a little under socket.io's old 16 MB limit.
    const huge = `2["get-cache-state","${'x'.repeat(16_000_000)}"]`;
    // One after the other: twelve 16 MB sends at once would starve this loaded test process itself.
    const reasons: (number | string)[] = [];
    for (let i = 0; i < 12; i++) reasons.push(await sendBeforeAuth(server.url, huge));
    expect(reasons).toEqual(Array.from({ length: 12 }, () => 1009));
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('still accepts small frames (a dashboard handshake fits in the pre-auth limit)', async () => {
    expect(PRE_AUTH_MAX_HTTP_BUFFER_SIZE).toBeGreaterThanOrEqual(64 * 1024);
    const manager = new Manager(server.url, { transports: ['websocket'], reconnection: false });
    const socket = manager.socket('/', { auth: { token: 'frame-token-1' } });
    const state = await new Promise<{ nodeId: string }>((resolve) => socket.once('cache-state', resolve));
    expect(state.nodeId).toBe('test-node');
    socket.close();
  });
});
