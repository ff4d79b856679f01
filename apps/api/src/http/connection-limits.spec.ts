import { connect, type Socket } from 'node:net';
import type { RunningServer } from '../server/start-server.js';
import { startTestServer } from '../test/test-server.js';

jest.setTimeout(30_000);

const open = (url: string): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });

/** Resolves with what the server wrote once it closes the connection (bounded by the test timeout). */
const closedBy = (socket: Socket): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.once('close', () => resolve(text));
    socket.on('error', () => undefined);
  });

const connections = (server: RunningServer): Promise<number> =>
  new Promise((resolve, reject) => server.httpServer.getConnections((error, n) => (error ? reject(error) : resolve(n))));

describe('HTTP timeouts and connection cap', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000', MAX_CONNECTIONS: '3' });
  });
  afterAll(() => server.close());

  it('uses the configured timeouts and cap', () => {
    expect(server.httpServer).toMatchObject({ headersTimeout: 1000, requestTimeout: 2000, keepAliveTimeout: 65_000, maxConnections: 3 });
  });

  it('closes a client that never finishes its headers (slowloris) with 408', async () => {
    const socket = await open(server.url);
    socket.write('GET /api/metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(await closedBy(socket)).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections beyond MAX_CONNECTIONS at once', async () => {
    const held = [await open(server.url), await open(server.url), await open(server.url)];
    // Wait until the server has accepted (and counts) all three.
    for (let i = 0; i < 200 && (await connections(server)) < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await connections(server)).toBe(3);
    const extra = await open(server.url);
    const closed = closedBy(extra);
    extra.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await closed).toBe('');
    for (const s of held) s.destroy();
  });
});
