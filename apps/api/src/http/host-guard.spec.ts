import { request as httpRequest } from 'node:http';
import type { RunningServer } from '../server/start-server.js';
import { startTestServer } from '../test/test-server.js';

/** fetch will not send a Host of our choosing; node:http will. */
const withHost = (url: string, method: string, path: string, host: string, headers: Record<string, string> = {}, body?: string) =>
  new Promise<{ status: number; body: { code?: string; message?: string } }>((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { method, headers: { host, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? (JSON.parse(text) as { code?: string }) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });

describe('DNS rebinding guard (Host header) on a node that answers without a token', () => {
  let open: RunningServer;
  beforeAll(async () => {
    open = await startTestServer({ NODE_ID: 'open' });
  });
  afterAll(() => open.close());

  it('refuses a page that rebound its own name to 127.0.0.1, on the fast path and the Express stack, applying nothing', async () => {
    const evil = 'evil.example:5000';
    const write = await withHost(open.url, 'POST', '/api/cache', evil, {}, JSON.stringify({ key: 'rebound', value: 1 }));
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'HOST_NOT_ALLOWED', message: expect.stringContaining('ALLOWED_HOSTS') });
    for (const [method, path] of [
      ['GET', '/api/cache'],
      ['GET', '/api/cache/rebound'],
      ['DELETE', '/api/cache'],
      ['GET', '/api/metrics'],
    ]) {
      expect((await withHost(open.url, method, path, evil)).status).toBe(403);
    }
    expect(open.context.node.peek('rebound')).toBeUndefined();
  });

  it.each(['127.0.0.1:5000', 'localhost:5000', 'LOCALHOST', 'dashboard.localhost:5000', '[::1]:5000', '10.1.2.3'])('answers Host %s', async (host) => {
    expect((await withHost(open.url, 'POST', '/api/cache', host, {}, JSON.stringify({ key: 'ok', value: host }))).status).toBe(200);
    expect((await withHost(open.url, 'GET', '/api/cache/ok', host)).status).toBe(200);
  });

  it('answers the names in ALLOWED_HOSTS; with a token and no ALLOWED_HOSTS, the token alone guards', async () => {
    const proxied = await startTestServer({ NODE_ID: 'proxied', ALLOWED_HOSTS: 'cache.internal' });
    const tokened = await startTestServer({ NODE_ID: 'tokened', AUTH_TOKEN: 'host-guard-token' });
    try {
      expect((await withHost(proxied.url, 'GET', '/api/cache', 'cache.internal:443')).status).toBe(200);
      expect((await withHost(proxied.url, 'GET', '/api/cache', 'other.internal')).status).toBe(403);
      // The page does not know the token: 401, and with it, any name passes.
      expect((await withHost(tokened.url, 'GET', '/api/cache', 'evil.example')).status).toBe(401);
      expect((await withHost(tokened.url, 'GET', '/api/cache', 'cache.example.com', { authorization: 'Bearer host-guard-token' })).status).toBe(200);
    } finally {
      await proxied.close();
      await tokened.close();
    }
  });
});
