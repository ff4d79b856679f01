import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { createClient } from 'redis';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from '../test/cluster-processes.js';
import { TestPki } from '../test/test-pki.js';

jest.setTimeout(90_000);

const run = promisify(execFile);
const REDIS_CLI = '/usr/bin/redis-cli';
const REDIS_BENCHMARK = '/usr/bin/redis-benchmark';

const restValue = async (url: string, key: string): Promise<unknown> => {
  const res = await fetch(`${url}/api/cache/${encodeURIComponent(key)}`);
  return res.status === 200 ? ((await res.json()) as { value: { value: unknown } }).value.value : undefined;
};

/** Polls `check` every 20 ms until it holds or `deadlineMs` passes; returns whether it held. */
const within = async (deadlineMs: number, check: () => Promise<boolean>): Promise<boolean> => {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check().catch(() => false);
};

describe('Redis clients against real meshcache processes', () => {
  const nodes: NodeProcess[] = [];
  const respPorts: number[] = [];
  const clients: { quit(): unknown }[] = [];

  beforeAll(async () => {
    ensureBuilt();
    const httpPorts = [await freePort(), await freePort()];
    respPorts.push(await freePort(), await freePort());
    const urls = httpPorts.map((p) => `http://127.0.0.1:${p}`);
    for (const [i, port] of httpPorts.entries()) {
      nodes.push(
        spawnNode({
          PORT: String(port),
          RESP_PORT: String(respPorts[i]),
          NODE_ID: `r${i + 1}`,
          SELF_URL: urls[i],
          PEER_NODES: urls.filter((_, j) => j !== i).join(','),
          CLUSTER_SECRET: 'resp-test-secret',
        }),
      );
    }
    for (const n of nodes) await eventually(async () => (await fetch(`${n.url}/api/sync/status`)).ok, `${n.url} up`);
    await eventually(async () => ((await (await fetch(`${nodes[0].url}/api/sync/status`)).json()) as { nodeList: { state: string }[] }).nodeList.some((p) => p.state === 'up'), 'r1 linked to r2');
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await Promise.resolve(c.quit()).catch(() => undefined);
    for (const n of nodes) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGTERM');
        await n.exited;
      }
    }
  });

  it('ioredis with default options: opens with HELLO 3, reads INFO for its ready check, then works', async () => {
    const redis = new IORedis(respPorts[0], '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    clients.push(redis);
    await redis.connect();
    expect(await redis.call('CLIENT', 'INFO')).toMatch(/ resp=3 .*lib-name=ioredis/);
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.set('io:k', 'héllo ✓', 'EX', 100)).toBe('OK');
    expect(await redis.get('io:k')).toBe('héllo ✓');
    expect(await redis.ttl('io:k')).toBeGreaterThan(90);
    expect(await redis.incrby('io:n', 5)).toBe(5);
    const results = await redis.pipeline().set('io:p', '1').incr('io:p').get('io:p').exec();
    expect(results?.map(([err, v]) => err ?? v)).toEqual(['OK', 2, '2']);
    await expect(redis.call('NOSUCH', 'x')).rejects.toThrow("ERR unknown command 'NOSUCH', with args beginning with: 'x' ");
    expect(await redis.ping()).toBe('PONG');
    const keys: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = redis.scanStream({ match: 'io:*', count: 1 });
      stream.on('data', (batch: string[]) => keys.push(...batch));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    expect(keys.sort()).toEqual(['io:k', 'io:n', 'io:p']);
  });

  it('ioredis on RESP2 (protocol: 2, what it falls back to on NOPROTO) works the same', async () => {
    const redis = new IORedis(respPorts[0], '127.0.0.1', { protocol: 2 });
    clients.push(redis);
    expect(await redis.call('CLIENT', 'INFO')).toMatch(/ resp=2 /);
    expect(await redis.set('io2:k', 'v')).toBe('OK');
    expect(await redis.mget('io2:k', 'io2:missing')).toEqual(['v', null]);
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
  });

  it('node-redis with default options speaks RESP3 (HELLO 3)', async () => {
    const client = createClient({ socket: { host: '127.0.0.1', port: respPorts[0], reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    clients.push({ quit: () => client.close() });
    const hello = (await client.sendCommand(['HELLO'])) as Record<string, unknown>;
    expect(hello.proto).toBe(3);
    expect(await client.set('nr:k', 'v1', { expiration: { type: 'PX', value: 60_000 } })).toBe('OK');
    expect(await client.get('nr:k')).toBe('v1');
    expect(await client.get('nr:missing')).toBeNull();
    expect(await client.mGet(['nr:k', 'nr:missing'])).toEqual(['v1', null]);
    expect(await client.exists('nr:k')).toBe(1);
    expect(await client.configGet('maxmemory-policy')).toEqual({ 'maxmemory-policy': 'allkeys-lru' });
  });

  it('a key set over RESP on node 1 is readable over RESP and REST on node 2 within a second', async () => {
    const one = new IORedis(respPorts[0], '127.0.0.1');
    const two = new IORedis(respPorts[1], '127.0.0.1');
    clients.push(one, two);
    expect(await one.set('repl:k', 'from node 1')).toBe('OK');
    const seenOverResp = within(1000, async () => (await two.get('repl:k')) === 'from node 1');
    const seenOverRest = within(1000, async () => (await restValue(nodes[1].url, 'repl:k')) === 'from node 1');
    expect(await seenOverResp).toBe(true);
    expect(await seenOverRest).toBe(true);
  });

  it('MSET with a key over the length limit in the middle writes none of its pairs, here or on the peer', async () => {
    const one = new IORedis(respPorts[0], '127.0.0.1');
    const two = new IORedis(respPorts[1], '127.0.0.1');
    clients.push(one, two);
    await expect(one.mset('mset:a', '1', 'k'.repeat(2000), '2', 'mset:c', '3')).rejects.toThrow(/key must be at most 1024 characters/);
    expect(await one.exists('mset:a', 'mset:c')).toBe(0);
    // A marker written after it reaches node 2: had the MSET replicated anything, it would be there by then.
    expect(await one.set('mset:marker', 'x')).toBe('OK');
    expect(await within(1000, async () => (await two.get('mset:marker')) === 'x')).toBe(true);
    expect(await two.exists('mset:a', 'mset:c')).toBe(0);
  });

  it('values: a RESP value is a JSON string over REST; a REST JSON value is its JSON text over RESP', async () => {
    const redis = new IORedis(respPorts[0], '127.0.0.1');
    clients.push(redis);
    await redis.set('val:s', '{"not":"parsed"}');
    expect(await restValue(nodes[0].url, 'val:s')).toBe('{"not":"parsed"}');
    const res = await fetch(`${nodes[0].url}/api/cache`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'val:j', value: { a: [1, true, null], b: 'é' } }) });
    expect(res.status).toBe(200);
    expect(await redis.get('val:j')).toBe('{"a":[1,true,null],"b":"é"}');
    await expect(redis.set('val:bin', Buffer.from([0xff, 0x00, 0xfe]))).rejects.toThrow(/invalid UTF-8/);
    expect(await redis.exists('val:bin')).toBe(0);
  });

  it('CONFIG SET maxmemory-policy switches the strategy on every node, like POST /api/strategy', async () => {
    const redis = new IORedis(respPorts[0], '127.0.0.1');
    clients.push(redis);
    expect(await redis.config('SET', 'maxmemory-policy', 'allkeys-lfu')).toBe('OK');
    const strategyAt = async (url: string) => ((await (await fetch(`${url}/api/metrics`)).json()) as { cache: { strategy: string } }).cache.strategy;
    await eventually(async () => (await strategyAt(nodes[1].url)) === 'LFU', 'r2 switched to LFU');
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lfu']);
    expect(await redis.config('SET', 'maxmemory-policy', 'allkeys-lru')).toBe('OK');
    await eventually(async () => (await strategyAt(nodes[1].url)) === 'LRU', 'r2 back to LRU');
  });

  it('redis-cli: PING, SET/GET, --scan, INFO with replication peers', async () => {
    expect(existsSync(REDIS_CLI)).toBe(true);
    const cli = async (...args: string[]) => (await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(respPorts[0]), ...args], { timeout: 30_000 })).stdout;
    expect(await cli('PING')).toBe('PONG\n');
    expect(await cli('SET', 'cli:k', 'v w')).toBe('OK\n');
    expect(await cli('GET', 'cli:k')).toBe('v w\n');
    expect((await cli('--scan', '--pattern', 'cli:*')).split('\n').filter(Boolean)).toEqual(['cli:k']);
    const info = await cli('INFO');
    expect(info).toMatch(/^# Server/);
    expect(info).toContain('meshcache_peers:1');
    expect(info).toMatch(/peer0:id=r2,url=http:\/\/127\.0\.0\.1:\d+,state=up/);
    // GET counts one hit or one miss, as Redis' keyspace_hits / keyspace_misses do.
    const stat = async (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(await cli('INFO', 'stats'))?.[1]);
    const [hits, misses] = [await stat('keyspace_hits'), await stat('keyspace_misses')];
    expect(await cli('GET', 'cli:k')).toBe('v w\n');
    expect(await cli('GET', 'cli:absent')).toBe('\n');
    expect([await stat('keyspace_hits'), await stat('keyspace_misses')]).toEqual([hits + 1, misses + 1]);
  });

  it('redis-benchmark completes GET and SET', async () => {
    expect(existsSync(REDIS_BENCHMARK)).toBe(true);
    const { stdout } = await run(REDIS_BENCHMARK, ['-h', '127.0.0.1', '-p', String(respPorts[0]), '-t', 'get,set', '-n', '2000', '-c', '5', '-P', '4', '-q'], { timeout: 60_000 });
    expect(stdout).toMatch(/SET: [\d.]+ requests per second/);
    expect(stdout).toMatch(/GET: [\d.]+ requests per second/);
  }, 60_000);
});

describe('the RESP listener at startup', () => {
  let blocker: Server | undefined;
  afterAll(() => new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r())));

  it('a RESP_PORT in use stops the start with a message that says so', async () => {
    ensureBuilt();
    blocker = createServer();
    const busy = await freePort();
    await new Promise<void>((r) => blocker!.listen(busy, '127.0.0.1', r));
    const node = spawnNode({ PORT: String(await freePort()), RESP_PORT: String(busy) });
    expect(await node.exited).toBe(1);
    expect(node.output.join('')).toContain(`RESP_PORT ${busy} is already in use on 127.0.0.1 (set RESP_PORT to a free port, or 0 to turn the Redis listener off)`);
  });

  it('with AUTH_TOKEN, clients must AUTH; ioredis and node-redis authenticate with the password option', async () => {
    ensureBuilt();
    const respPort = await freePort();
    const node = spawnNode({ PORT: String(await freePort()), RESP_PORT: String(respPort), AUTH_TOKEN: 'resp-token-123' });
    try {
      await eventually(async () => (await fetch(`${node.url}/health`)).ok, 'auth node up');
      const anonymous = await run(REDIS_CLI, ['-p', String(respPort), 'GET', 'k'], { timeout: 30_000 });
      expect(anonymous.stdout).toContain('NOAUTH Authentication required.');
      const wrong = new IORedis(respPort, '127.0.0.1', { password: 'wrong-token', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      const errors: string[] = [];
      wrong.on('error', (e: Error) => errors.push(e.message));
      await wrong.connect().catch(() => undefined);
      wrong.disconnect();
      expect(errors.join('\n')).toContain('WRONGPASS invalid username-password pair or user is disabled.');
      const io = new IORedis(respPort, '127.0.0.1', { password: 'resp-token-123' });
      expect(await io.set('a', '1')).toBe('OK');
      io.disconnect();
      const nr = createClient({ socket: { host: '127.0.0.1', port: respPort, reconnectStrategy: false }, password: 'resp-token-123' });
      nr.on('error', () => undefined);
      await nr.connect();
      expect(await nr.get('a')).toBe('1');
      nr.destroy();
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  }, 60_000);

  it('counts failed AUTH attempts against RATE_LIMIT_MAX: past it even the right token fails until the window ends', async () => {
    ensureBuilt();
    const respPort = await freePort();
    const node = spawnNode({ PORT: String(await freePort()), RESP_PORT: String(respPort), AUTH_TOKEN: 'resp-token-123', RATE_LIMIT_MAX: '5' });
    try {
      await eventually(async () => (await fetch(`${node.url}/health`)).ok, 'auth node up');
      // One pipeline of guesses, then the right token, as an attacker would send them.
      const guesses = [...Array.from({ length: 8 }, (_, i) => `guess-${i}`), 'resp-token-123'];
      const replies = await new Promise<string>((resolve, reject) => {
        const socket = connect(respPort, '127.0.0.1', () => socket.write(guesses.map((g) => `AUTH ${g}\r\n`).join('')));
        let text = '';
        socket.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.split('\r\n').length <= guesses.length) return;
          socket.destroy();
          resolve(text);
        });
        socket.on('error', reject);
      });
      expect(replies.split('\r\n').slice(0, guesses.length).map((l) => l.split(' ')[0])).toEqual(new Array(guesses.length).fill('-WRONGPASS'));
      await eventually(async () => /client throttled until the window ends/.test(node.output.join('')), 'the throttle logged');
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  }, 60_000);

  it('with TLS_CERT the RESP port speaks TLS with the same certificate: redis-cli --tls and ioredis connect', async () => {
    ensureBuilt();
    const pki = new TestPki();
    const ca = pki.ca('resp-ca');
    const leaf = pki.leaf('resp-node', ca);
    const respPort = await freePort();
    const httpPort = await freePort();
    const node = spawnNode({ PORT: String(httpPort), RESP_PORT: String(respPort), TLS_CERT: leaf.cert, TLS_KEY: leaf.key });
    try {
      await eventually(async () => {
        const r = await run(REDIS_CLI, ['--tls', '--cacert', ca.cert, '-h', '127.0.0.1', '-p', String(respPort), 'PING'], { timeout: 30_000 });
        return r.stdout === 'PONG\n';
      }, 'TLS node answers PING');
      const plain = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(respPort), 'PING'], { timeout: 30_000 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      expect(plain.stdout).not.toBe('PONG\n');
      const io = new IORedis(respPort, '127.0.0.1', { tls: { ca: readFileSync(ca.cert, 'utf8') } });
      expect(await io.set('tls:k', 'secret')).toBe('OK');
      expect(await io.get('tls:k')).toBe('secret');
      io.disconnect();
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
      pki.remove();
    }
  }, 90_000);
});
