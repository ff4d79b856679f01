import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RawHttpPool, type Outcome } from './raw-http.js';

// The soak's client against a real node:http server on 127.0.0.1: what it reads and what it refuses.
let server: Server;
let origin: string;
let connections = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/chunked') {
        res.write('chunked, '); // a body sent in parts: chunked, no Content-Length
        return res.end('no length');
      }
      if (req.url === '/hang') return undefined;
      if (req.url === '/drop') return req.socket.destroy();
      const reply = JSON.stringify({ method: req.method, url: req.url, body });
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ask = (pool: RawHttpPool, method: 'GET' | 'POST', path: string, body?: string) => new Promise<Outcome>((resolve) => pool.request(method, path, body, resolve));

describe('RawHttpPool', () => {
  it('answers statuses over kept-alive connections, queueing beyond its size', async () => {
    const pool = new RawHttpPool(origin, 2, 5_000);
    try {
      const before = connections;
      const outcomes = await Promise.all([ask(pool, 'GET', '/a'), ask(pool, 'GET', '/missing'), ask(pool, 'POST', '/api/cache', '{"key":"é"}'), ask(pool, 'GET', '/b')]);
      expect(outcomes).toEqual([
        { ok: true, status: 200 },
        { ok: true, status: 404 },
        { ok: true, status: 200 },
        { ok: true, status: 200 },
      ]);
      expect(connections - before).toBe(2);
    } finally {
      pool.close();
    }
  });

  it('settles what is in flight and what waits when closed, and sends nothing after', async () => {
    const pool = new RawHttpPool(origin, 1, 10_000);
    const inFlight = ask(pool, 'GET', '/hang');
    const waiting = ask(pool, 'GET', '/a');
    await new Promise((r) => setTimeout(r, 50));
    pool.close();
    // At once, not after the 10 s timeout (the test's own 5 s limit would fail first).
    expect(await inFlight).toEqual({ ok: false, error: 'pool closed before the whole response' });
    expect(await waiting).toEqual({ ok: false, error: 'pool closed before the request was sent' });
    expect(await ask(pool, 'GET', '/b')).toEqual({ ok: false, error: 'pool closed' });
  });

  it('fails a response without Content-Length, a dropped connection and a timeout, and carries on', async () => {
    const pool = new RawHttpPool(origin, 1, 300);
    try {
      expect(await ask(pool, 'GET', '/chunked')).toEqual({ ok: false, error: expect.stringContaining('unexpected response framing') });
      expect(await ask(pool, 'GET', '/drop')).toEqual({ ok: false, error: expect.stringContaining('connection closed') });
      expect(await ask(pool, 'GET', '/hang')).toEqual({ ok: false, error: expect.stringContaining('no whole response within 300 ms') });
      expect(await ask(pool, 'GET', '/after')).toEqual({ ok: true, status: 200 });
    } finally {
      pool.close();
    }
  });
});
