import { SignJWT } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { startServer } from '../server/start-server.js';
import type { RunningServer } from '../server/start-server.js';
import { request, startTestServer } from '../test/test-server.js';

const TOKEN = 'static-token-123';
const SECRET = 'jwt-secret-0123456789';
const write = { body: { key: 'k', value: 1 } };

describe('auth with AUTH_TOKEN', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_TOKEN: TOKEN });
  });
  afterAll(() => server.close());

  it('401s writes and reads without the token, with a JSON body', async () => {
    const r = await request(server.url, 'POST', '/api/cache', write);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect((await request(server.url, 'GET', '/api/metrics')).status).toBe(401);
    // A wrong token is told apart from none, on the fast path (POST /api/cache) and Express alike.
    for (const [method, path] of [
      ['POST', '/api/cache'],
      ['DELETE', '/api/cache/k'],
    ] as const) {
      const wrong = await request(server.url, method, path, { ...(method === 'POST' ? write : {}), headers: { authorization: 'Bearer wrong-token' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ message: expect.stringContaining('Invalid bearer token (it is not AUTH_TOKEN)') });
    }
    expect((r.body as { message: string }).message).toMatch(/^Missing or invalid bearer token/);
    expect((await request(server.url, 'GET', '/metrics')).status).toBe(401);
  });

  it.each(['/api/cache', '/api/cache/bulk'])('refuses an unauthenticated 10 MB body on %s before reading it, and closes the connection', async (path) => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    // Headers only: the server answers without waiting for the 10 MB it was promised.
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(text).toMatch(/^HTTP\/1\.1 401/);
    expect(text).toMatch(/connection: close/i);
    expect(text).toContain('"code":"UNAUTHORIZED"');
  });

  it('lets the token through and keeps /ping, /health and the OpenAPI document open', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await request(server.url, 'POST', '/api/cache', { ...write, headers: auth })).status).toBe(200);
    expect((await request(server.url, 'GET', '/api/cache/k', { headers: auth })).status).toBe(200);
    expect((await request(server.url, 'GET', '/health')).status).toBe(200);
    expect((await request(server.url, 'GET', '/ping')).status).toBe(200);
    expect((await request(server.url, 'GET', '/api/openapi.json')).status).toBe(200);
  });

  it('guards the dashboard socket', async () => {
    const refused = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: 'nope' } });
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error.message).toBe('Unauthorized');
    refused.close();
    const allowed = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: TOKEN } });
    const state = await new Promise<{ nodeId: string }>((resolve) => allowed.once('cache-state', resolve));
    expect(state.nodeId).toBe('test-node');
    allowed.close();
  });
});

describe('auth with JWT_SECRET and PUBLIC_READS', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET: SECRET, PUBLIC_READS: 'true' });
  });
  afterAll(() => server.close());

  it('accepts HS256 JWTs signed with the secret, rejects others, opens reads', async () => {
    const good = await new SignJWT({ sub: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    const forged = await new SignJWT({ sub: 'ops' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-0123456789'));
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(SECRET));
    expect((await request(server.url, 'POST', '/api/cache', { ...write, headers: { authorization: `Bearer ${good}` } })).status).toBe(200);
    // Each 401 says which rule the token broke (they all read "missing or invalid" before).
    const refusal = async (token: string) => {
      const r = await request(server.url, 'POST', '/api/cache', { ...write, headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(401);
      return (r.body as { message: string }).message;
    };
    expect(await refusal(forged)).toContain('signature verification failed');
    expect(await refusal(expired)).toContain('"exp" claim timestamp check failed');
    expect(await refusal('not-a-jwt-at-all')).toContain('Invalid Compact JWS');
    expect((await request(server.url, 'GET', '/api/cache/k')).status).toBe(200);
  });

  it('opens the cache reads only: metrics, replication state, peers and the dashboard socket still need a token', async () => {
    expect((await request(server.url, 'GET', '/api/cache')).status).toBe(200);
    for (const path of ['/metrics', '/api/metrics', '/api/sync/status', '/api/sync/history', '/api/cluster/metrics']) {
      expect([path, (await request(server.url, 'GET', path)).status]).toEqual([path, 401]);
    }
    const anonymous = io(server.url, { transports: ['websocket'], reconnection: false });
    const error = await new Promise<Error>((resolve) => anonymous.once('connect_error', resolve));
    expect(error.message).toBe('Unauthorized');
    anonymous.close();
  });

  it('refuses JWTs without exp, and JWTs living longer than JWT_MAX_LIFETIME_S', async () => {
    const key = new TextEncoder().encode(SECRET);
    const forever = await new SignJWT({ sub: 'ops' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const tooLong = await new SignJWT({ sub: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('30d').sign(key);
    const forEver = await request(server.url, 'POST', '/api/cache', { ...write, headers: { authorization: `Bearer ${forever}` } });
    expect(forEver.status).toBe(401);
    expect(forEver.body).toMatchObject({ message: expect.stringContaining('missing required "exp" claim') });
    const long = await request(server.url, 'POST', '/api/cache', { ...write, headers: { authorization: `Bearer ${tooLong}` } });
    expect(long.status).toBe(401);
    expect(long.body).toMatchObject({ message: expect.stringMatching(/valid for 2592000 s from its iat, longer than JWT_MAX_LIFETIME_S \(86400\)/) });
  });
});

describe('JWT audience and issuer', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET: SECRET, JWT_AUDIENCE: 'meshcache', JWT_ISSUER: 'https://auth.example' });
  });
  afterAll(() => server.close());

  it('checks aud and iss when configured', async () => {
    const key = new TextEncoder().encode(SECRET);
    const sign = (aud: string, iss: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setAudience(aud).setIssuer(iss).setExpirationTime('5m').sign(key);
    const status = async (token: string) => (await request(server.url, 'POST', '/api/cache', { ...write, headers: { authorization: `Bearer ${token}` } })).status;
    expect(await status(await sign('meshcache', 'https://auth.example'))).toBe(200);
    expect(await status(await sign('another-app', 'https://auth.example'))).toBe(401);
    expect(await status(await sign('meshcache', 'https://evil.example'))).toBe(401);
  });
});

describe('rate limit with a token configured: anonymous clients only, by default', () => {
  let server: RunningServer;
  const lines: string[] = [];
  const auth = { authorization: `Bearer ${TOKEN}` };
  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
    server = await startServer(loadConfig([], { PORT: '0', NODE_ID: 'test-node', ACCESS_LOG: 'true', AUTH_TOKEN: TOKEN, RATE_LIMIT_MAX: '3' }), { logger });
  });
  afterAll(() => server.close());

  it('counts failed auth attempts and answers 429 with a JSON body past the limit, leaving /health alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(server.url, 'GET', '/api/metrics')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await request(server.url, 'GET', '/api/metrics');
    expect(limited.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    expect((await request(server.url, 'GET', '/metrics')).status).toBe(429);
    expect((await request(server.url, 'GET', '/health')).status).toBe(200);
  });

  it('counts fast-path requests in the same limit and answers them 429 the same way', async () => {
    const fast = await request(server.url, 'GET', '/api/cache/k');
    expect(fast.status).toBe(429);
    expect(fast.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    expect(fast.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(fast.headers.get('ratelimit')).toMatch(/remaining=0/);
    const post = await request(server.url, 'POST', '/api/cache', { body: { key: 'k', value: 1 } });
    expect(post.status).toBe(429);
  });

  it('refuses socket.io handshakes of a throttled client', async () => {
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: TOKEN } });
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    socket.close();
    expect(error.message).toMatch(/websocket error|Too many/);
  });

  it('never throttles a client with a valid token (from the same address)', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) {
      statuses.add((await request(server.url, 'POST', '/api/cache', { ...write, headers: auth })).status);
      statuses.add((await request(server.url, 'GET', '/api/cache/k', { headers: auth })).status);
      statuses.add((await request(server.url, 'GET', '/api/metrics', { headers: auth })).status);
    }
    expect([...statuses]).toEqual([200]);
  });

  it('logs a throttled client once per window, and no 429 in the access log', () => {
    expect(lines.filter((l) => l.includes('client throttled'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('"statusCode":429'))).toHaveLength(0);
  });
});

describe('rate limit without a token configured', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_MAX: '3' });
  });
  afterAll(() => server.close());

  it('does not throttle the node\'s own applications', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 10; i++) {
      statuses.add((await request(server.url, 'GET', '/api/metrics')).status);
      statuses.add((await request(server.url, 'POST', '/api/cache', write)).status);
    }
    expect([...statuses]).toEqual([200]);
  });
});

describe('RATE_LIMIT_AUTHENTICATED_MAX', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_TOKEN: TOKEN, RATE_LIMIT_AUTHENTICATED_MAX: '2' });
  });
  afterAll(() => server.close());

  it('limits clients with a token when configured', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(server.url, 'GET', '/api/cache/k', { headers })).status);
    expect(statuses).toEqual([404, 404, 429]);
  });
});

describe('dashboard files', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshcache-dash-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    server = await startTestServer({ DASHBOARD_DIR: dir });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves files, falls back to index.html for app routes, keeps API 404s as JSON', async () => {
    expect((await request(server.url, 'GET', '/app.js')).text).toBe('console.log(1)');
    const root = await request(server.url, 'GET', '/', { headers: { accept: 'text/html' } });
    expect(root.text).toContain('<title>dash</title>');
    expect((await request(server.url, 'GET', '/nodes/2', { headers: { accept: 'text/html' } })).text).toContain('<title>dash</title>');
    expect((await request(server.url, 'GET', '/nodes/assets/missing.js')).status).toBe(404);
    const api = await request(server.url, 'GET', '/api/nope', { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});
