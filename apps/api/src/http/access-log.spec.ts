import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { request } from '../test/test-server.js';

/** A node with `env` on loopback, its log lines collected. */
const startLogged = async (env: Record<string, string>): Promise<{ server: RunningServer; lines: string[] }> => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  const server = await startServer(loadConfig([], { PORT: '0', RESP_PORT: '0', NODE_ID: 'log-node', DASHBOARD_DIR: '/nonexistent/meshcache-dashboard', ...env }), { logger });
  return { server, lines };
};

/** The fast path (GET and POST with `application/json`) and the Express stack (a query string, /health). */
const traffic = async (url: string) => {
  await request(url, 'POST', '/api/cache', { body: { key: 'a', value: 1 } });
  await request(url, 'GET', '/api/cache/a');
  await request(url, 'GET', '/api/cache/a?via=express');
  await request(url, 'GET', '/api/cache/missing');
  await request(url, 'GET', '/health');
};

const requestLines = (lines: string[]) => lines.filter((l) => l.includes('"msg":"request completed"'));

describe('access log', () => {
  it('is off by default: requests on either path write no log line', async () => {
    const { server, lines } = await startLogged({});
    try {
      await traffic(server.url);
    } finally {
      await server.close();
    }
    expect(lines.some((l) => l.includes('meshcache node ready'))).toBe(true);
    expect(requestLines(lines)).toEqual([]);
  });

  it('logs every request, on the fast path and through Express, with ACCESS_LOG=true', async () => {
    const { server, lines } = await startLogged({ ACCESS_LOG: 'true' });
    try {
      await traffic(server.url);
    } finally {
      await server.close();
    }
    const logged = requestLines(lines).map((l) => JSON.parse(l) as { req: { method: string; url: string }; res: { statusCode: number } });
    expect(logged.map((l) => `${l.req.method} ${l.req.url} ${l.res.statusCode}`)).toEqual([
      'POST /api/cache 200',
      'GET /api/cache/a 200',
      'GET /api/cache/a?via=express 200',
      'GET /api/cache/missing 404',
      'GET /health 200',
    ]);
  });
});
