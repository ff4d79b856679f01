import { connect, createServer, type Server, type Socket } from 'node:net';
import IORedis from 'ioredis';
import { freePort } from '@meshcache/test-support';
import { ensureBuilt, eventually, spawnNode, type NodeProcess } from '../test/cluster-processes.js';

jest.setTimeout(60_000);

/**
 * Length of the first complete RESP command in `buf` (a multibulk array), or -1 while it is
 * still incomplete. Only what the proxy below needs: clients send commands as arrays of bulks.
 */
function firstCommandLength(buf: Buffer): number {
  let at = 0;
  const line = (): number | null => {
    const end = buf.indexOf('\r\n', at);
    if (end === -1) return null;
    const n = Number(buf.toString('latin1', at + 1, end));
    at = end + 2;
    return n;
  };
  const count = line();
  if (count === null) return -1;
  for (let i = 0; i < count; i++) {
    const len = line();
    if (len === null || buf.length < at + len + 2) return -1;
    at += len + 2;
  }
  return at;
}

/**
 * A TCP proxy in front of a meshcache node that plays a server without RESP3: it answers the
 * connection's first command, if it is `HELLO 3`, with Redis' NOPROTO error, and passes every
 * other byte through. ioredis' documented fallback (RESP2, then INFO before "ready") is then
 * exercised for real, against the node's own replies.
 */
class NoResp3Proxy {
  hellosRefused = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => this.accept(client));
  }

  listen(port: number): Promise<void> {
    return new Promise((done) => this.server.listen(port, '127.0.0.1', done));
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((done) => this.server.close(() => done()));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    let first: Buffer | null = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (first === null) {
        upstream.write(chunk);
        return;
      }
      first = Buffer.concat([first, chunk]);
      const length = firstCommandLength(first);
      if (length === -1) return;
      const command = first.subarray(0, length).toString('latin1').toUpperCase();
      const rest = first.subarray(command.startsWith('*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n') ? length : 0);
      if (rest.length < first.length) {
        this.hellosRefused++;
        client.write('-NOPROTO sorry, this protocol version is not supported.\r\n');
      }
      first = null;
      if (rest.length > 0) upstream.write(rest);
    });
  }
}

describe('ioredis against a server that refuses RESP3 (NOPROTO)', () => {
  let node: NodeProcess | undefined;
  let proxy: NoResp3Proxy | undefined;
  let redis: IORedis | undefined;

  beforeAll(async () => {
    ensureBuilt();
    const [httpPort, respPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
    node = spawnNode({ PORT: String(httpPort), RESP_PORT: String(respPort), NODE_ID: 'noproto' });
    await eventually(async () => (await fetch(`${node!.url}/health`)).ok, 'node up');
    proxy = new NoResp3Proxy(respPort);
    await proxy.listen(proxyPort);
    redis = new IORedis(proxyPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await proxy?.close();
    if (node && node.child.exitCode === null) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  });

  it('falls back to RESP2 with its default options, passes its INFO ready check and works', async () => {
    await redis!.connect();
    expect(proxy!.hellosRefused).toBe(1);
    expect(await redis!.call('CLIENT', 'INFO')).toMatch(/ resp=2 .*lib-name=ioredis/);
    expect(await redis!.set('np:k', 'v', 'EX', 60)).toBe('OK');
    expect(await redis!.mget('np:k', 'np:missing')).toEqual(['v', null]);
    // The node never saw HELLO 3, so the connection still speaks RESP2 (HELLO answers a flat array).
    expect(await redis!.hello()).toEqual(expect.arrayContaining(['proto', 2]));
  });
});
