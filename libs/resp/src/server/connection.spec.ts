import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { MemoryRespStore } from '../memory-store.js';
import { RespServer } from './resp-server.js';
import { encodeCommand, startRespServer, type TestRespServer } from '../test/raw-client.js';

describe('RespConnection', () => {
  let server: TestRespServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('with a password, answers NOAUTH until AUTH, WRONGPASS on a wrong one', async () => {
    server = await startRespServer({ password: 'sesame-open' });
    const c = await server.client();
    expect(await c.call('GET', 'k')).toEqual({ error: 'NOAUTH Authentication required.' });
    expect(await c.call('HELLO', '3')).toEqual({ error: expect.stringMatching(/^NOAUTH HELLO must be called with the client already authenticated/) });
    expect(await c.call('AUTH', 'nope')).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(await c.call('AUTH', 'someone', 'sesame-open')).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(await c.call('AUTH', 'sesame-open')).toBe('OK');
    expect(await c.call('SET', 'k', 'v')).toBe('OK');
    const d = await server.client();
    const hello = (await d.call('HELLO', '3', 'AUTH', 'default', 'sesame-open')) as { map: unknown[] };
    expect(hello.map).toContainEqual(['proto', 3]);
    expect(await d.call('GET', 'k')).toBe('v');
    const e = await server.client();
    expect(await e.call('QUIT')).toBe('OK');
  });

  it('closes a connection that has not authenticated within authTimeoutMs, and leaves authenticated ones alone', async () => {
    server = await startRespServer({ password: 'sesame-open', limits: { authTimeoutMs: 200 } });
    const idle = await server.client();
    const authed = await server.client();
    expect(await authed.call('AUTH', 'sesame-open')).toBe('OK');
    expect(await idle.take(1)).toEqual([{ error: 'ERR authentication timeout: no AUTH within 200 ms' }]);
    await idle.waitClosed();
    await new Promise((r) => setTimeout(r, 300));
    expect(await authed.call('PING')).toBe('PONG');
  });

  it('without a password, AUTH says none is configured', async () => {
    server = await startRespServer();
    const c = await server.client();
    expect(await c.call('AUTH', 'x')).toEqual({ error: 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?' });
  });

  it('waits for an asynchronous password check before running later pipelined commands', async () => {
    const memory = new MemoryRespStore({ password: 'slow-secret' });
    const store = Object.assign(Object.create(memory) as MemoryRespStore, {
      authenticate: (password: string) => new Promise<boolean>((r) => setTimeout(() => r(password === 'slow-secret'), 50)),
    });
    server = await startRespServer({ store });
    const c = await server.client();
    c.write(Buffer.concat([encodeCommand('AUTH', 'slow-secret'), encodeCommand('SET', 'a', '1'), encodeCommand('GET', 'a')]));
    expect(await c.take(3)).toEqual(['OK', 'OK', '1']);
  });

  it('reads nothing more while a password check is pending, so a client cannot make it buffer without bound', async () => {
    let refuse: (() => void) | undefined;
    const memory = new MemoryRespStore({ password: 'slow-secret' });
    const store = Object.assign(Object.create(memory) as MemoryRespStore, {
      authenticate: () =>
        new Promise<boolean>((r) => {
          refuse = () => r(false);
        }),
    });
    // Its own listener, to watch the node's side of the socket.
    const resp = new RespServer(store, {});
    let nodeSide: Socket | undefined;
    const listener = createServer((socket) => {
      nodeSide = socket;
      resp.handle(socket);
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const socket = connect((listener.address() as AddressInfo).port, '127.0.0.1');
    try {
      await once(socket, 'connect');
      socket.on('error', () => undefined);
      socket.write(encodeCommand('AUTH', 'guess'));
      for (let i = 0; i < 100 && refuse === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect(refuse).toBeDefined();
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      for (let i = 0; i < 256; i++) socket.write(chunk);
      await new Promise((r) => setTimeout(r, 300));
      // 16 MiB sent while the check waits: the node has read none of it (the kernel holds a few MiB).
      expect(nodeSide?.isPaused()).toBe(true);
      expect(nodeSide?.bytesRead).toBeLessThan(1024 * 1024);
      refuse?.();
    } finally {
      socket.destroy();
      resp.closeAll();
      await new Promise((r) => listener.close(r));
    }
  });

  it('closes the connection holding the most unread bytes once all of them together pass maxClientsBytes; the others go on', async () => {
    const MiB = 1024 * 1024;
    server = await startRespServer({ limits: { maxBulkBytes: MiB, maxCommandBytes: MiB, maxClientsBytes: 1.5 * MiB } });
    const resp = server.resp;
    const open = async () => {
      const socket = connect(server?.port ?? 0, '127.0.0.1');
      await once(socket, 'connect');
      socket.on('error', () => undefined);
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      return { socket, text: () => text };
    };
    const until = async (check: () => boolean, what: string) => {
      for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
      if (!check()) throw new Error(`timed out waiting for ${what}`);
    };
    /** A SET of a 1,000,000-byte value, of which only `sent` bytes of the value are sent. */
    const partialSet = (sent: number) => Buffer.concat([Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n'), Buffer.alloc(sent, 0x62)]);
    const big = await open();
    big.socket.write(partialSet(900_000));
    await until(() => resp.bufferedBytes >= 900_000, 'the first 900 kB held');
    const small = await open();
    small.socket.write(partialSet(100_000));
    await until(() => resp.bufferedBytes >= 1_000_000, 'the next 100 kB held');
    const last = await open();
    last.socket.write(partialSet(700_000));
    // Past 1.5 MiB in all: the 900 kB holder goes, though the last client pushed last.
    await until(() => big.socket.destroyed || big.socket.readableEnded, 'the largest holder closed');
    expect(big.text()).toContain('maxClientsBytes');
    await until(() => resp.bufferedBytes >= 800_000 && resp.bufferedBytes < 1.5 * MiB, 'the others held');
    last.socket.write(Buffer.concat([Buffer.alloc(300_000, 0x62), Buffer.from('\r\n')]));
    await until(() => last.text() === '+OK\r\n', 'the last SET answered');
    expect(small.socket.destroyed).toBe(false);
    for (const c of [big, small, last]) c.socket.destroy();
    // 512 MiB or twice maxCommandBytes by default, and never below maxCommandBytes.
    expect(new RespServer(new MemoryRespStore()).limits.maxClientsBytes).toBe(512 * MiB);
    expect(new RespServer(new MemoryRespStore(), { limits: { maxBulkBytes: 400 * MiB } }).limits.maxClientsBytes).toBe(800 * MiB);
    expect(() => new RespServer(new MemoryRespStore(), { limits: { maxClientsBytes: MiB } })).toThrow(/maxClientsBytes \(1048576\) must be at least limits.maxCommandBytes/);
  });

  it('before AUTH, a large request is a protocol error', async () => {
    server = await startRespServer({ password: 'sesame-open' });
    const c = await server.client();
    c.write('*1\r\n$100000\r\n');
    expect(await c.take(1)).toEqual([{ error: 'ERR Protocol error: unauthenticated bulk length' }]);
    await c.waitClosed();
  });

  it('a protocol error answers -ERR Protocol error and closes that connection only', async () => {
    server = await startRespServer();
    const bad = await server.client();
    const good = await server.client();
    expect(await good.call('SET', 'k', 'v')).toBe('OK');
    bad.write('*1\r\n$x\r\n');
    expect(await bad.take(1)).toEqual([{ error: 'ERR Protocol error: invalid bulk length' }]);
    await bad.waitClosed();
    expect(await good.call('GET', 'k')).toBe('v');
  });

  it('answers a command with bytes that are not UTF-8 with an error, stores nothing, stays usable', async () => {
    server = await startRespServer();
    const c = await server.client();
    c.write(encodeCommand('SET', 'k', Buffer.from([0x61, 0xc3, 0x28])));
    expect(await c.take(1)).toEqual([{ error: 'ERR invalid UTF-8 in an argument: meshcache stores text, send UTF-8 or encode binary data (base64)' }]);
    expect(await c.call('EXISTS', 'k')).toBe(0);
    expect(await c.call('SET', 'k', 'żółw 🐢')).toBe('OK');
    expect(await c.call('GET', 'k')).toBe('żółw 🐢');
  });

  it('decodes \\xHH escapes of an inline command as UTF-8 bytes, and refuses ones that are not UTF-8', async () => {
    server = await startRespServer();
    const c = await server.client();
    c.write('SET hx "\\xc3\\xa9t\\xc3\\xa9"\r\n');
    expect(await c.take(1)).toEqual(['OK']);
    expect(await c.call('GET', 'hx')).toBe('été');
    expect(await c.call('STRLEN', 'hx')).toBe(5);
    c.write('SET bad "a\\xff"\r\nSET half "\\xc3x"\r\n');
    expect(await c.take(2)).toEqual([
      { error: 'ERR invalid UTF-8 in an argument: meshcache stores text, send UTF-8 or encode binary data (base64)' },
      { error: 'ERR invalid UTF-8 in an argument: meshcache stores text, send UTF-8 or encode binary data (base64)' },
    ]);
    expect(await c.call('EXISTS', 'bad', 'half')).toBe(0);
  });

  it('disconnects a client whose replies exceed maxOutputBytes', async () => {
    server = await startRespServer({ limits: { maxOutputBytes: 64 * 1024 } });
    const c = await server.client();
    expect(await c.call('SET', 'big', 'x'.repeat(10_000))).toBe('OK');
    c.write(Buffer.concat(Array.from({ length: 100 }, () => encodeCommand('GET', 'big'))));
    await c.waitClosed();
    const other = await server.client();
    expect(await other.call('PING')).toBe('PONG');
  });

  it('stops reading from a client that does not read its replies, so its buffers stay bounded', async () => {
    const maxOutputBytes = 4 * 1024 * 1024;
    server = await startRespServer({ limits: { maxOutputBytes } });
    const c = await server.client();
    expect(await c.call('SET', 'big', 'x'.repeat(50_000))).toBe('OK');
    c.socket.pause();
    const batch = Buffer.concat(Array.from({ length: 10 }, () => encodeCommand('GET', 'big')));
    // 4000 GETs would be 200 MB of replies.
    for (let i = 0; i < 400; i++) c.write(batch);
    let last = -1;
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const processed = server.resp.counters.commandsProcessed;
      if (processed === last) break;
      last = processed;
    }
    expect(server.resp.counters.commandsProcessed).toBeLessThan(4000);
    for (const connection of server.resp.clients()) expect(connection.bufferedOutput).toBeLessThanOrEqual(maxOutputBytes);
    c.socket.resume();
  });

  it('answers LOADING while the store loads, except for INFO and PING', async () => {
    const store = new MemoryRespStore();
    let loading = true;
    store.loading = () => loading;
    server = await startRespServer({ store });
    const c = await server.client();
    expect(await c.call('GET', 'k')).toEqual({ error: 'LOADING Redis is loading the dataset in memory' });
    expect(await c.call('PING')).toBe('PONG');
    expect(await c.call('INFO', 'persistence')).toContain('loading:1');
    loading = false;
    expect(await c.call('GET', 'k')).toBeNull();
  });

  it('looks each command name up again when it changes: unknown, empty and known names in turn', async () => {
    server = await startRespServer();
    const c = await server.client();
    expect(await c.call('')).toEqual({ error: "ERR unknown command '', with args beginning with: " });
    expect(await c.call('PING')).toBe('PONG');
    expect(await c.call('ping', 'x')).toBe('x');
    expect(await c.call('NOSUCH', 'a')).toEqual({ error: "ERR unknown command 'NOSUCH', with args beginning with: 'a' " });
    expect(await c.call('NOSUCH')).toEqual({ error: "ERR unknown command 'NOSUCH', with args beginning with: " });
    expect(await c.call('')).toEqual({ error: "ERR unknown command '', with args beginning with: " });
    expect(await c.call('SET', 'k', 'v')).toBe('OK');
    expect(await c.call('GET', 'k')).toBe('v');
  });

  it('refuses a command whose arguments add up to more than maxCommandBytes, before buffering them, and closes that connection', async () => {
    server = await startRespServer({ limits: { maxBulkBytes: 1024 * 1024, maxCommandBytes: 4 * 1024 * 1024 } });
    const c = await server.client();
    const value = Buffer.alloc(1024 * 1024, 'v');
    const pairs = Array.from({ length: 8 }, (_, i) => [`k${i}`, value]).flat();
    c.write(encodeCommand('MSET', ...pairs));
    expect(await c.take(1)).toEqual([{ error: 'ERR Protocol error: command larger than maxCommandBytes (4194304 bytes)' }]);
    await c.waitClosed();
    const other = await server.client();
    expect(await other.call('EXISTS', 'k0', 'k7')).toBe(0);
    // Up to the limit is fine.
    expect(await other.call('MSET', 'a', value.toString(), 'b', value.toString())).toBe('OK');
  });

  it('maxCommandBytes defaults to 64 MiB or maxBulkBytes if larger, and may not be below maxBulkBytes', async () => {
    const { RespServer } = await import('./resp-server.js');
    expect(new RespServer(new MemoryRespStore()).limits.maxCommandBytes).toBe(64 * 1024 * 1024);
    expect(new RespServer(new MemoryRespStore(), { limits: { maxBulkBytes: 100 * 1024 * 1024 } }).limits.maxCommandBytes).toBe(100 * 1024 * 1024);
    expect(() => new RespServer(new MemoryRespStore(), { limits: { maxBulkBytes: 2048, maxCommandBytes: 1024 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it.each(['POST / HTTP/1.1', 'GET / HTTP/1.1\r\nhost: 127.0.0.1:6379'])(
    'closes a connection whose request looks like HTTP (%j), runs none of its body, and warns',
    async (head) => {
      const warnings: string[] = [];
      server = await startRespServer({ onSecurityWarning: (message) => warnings.push(message) });
      const c = await server.client();
      // What a web page's fetch('http://127.0.0.1:6379', { method: 'POST', mode: 'no-cors', body }) sends.
      const body = '\r\nSET pwned yes\r\n';
      c.write(`${head}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await c.waitClosed();
      const other = await server.client();
      expect(await other.call('EXISTS', 'pwned')).toBe(0);
      expect(warnings).toEqual([expect.stringContaining('Possible SECURITY ATTACK detected')]);
    },
  );

  it('rejects limits that are not positive integers', async () => {
    const { RespServer } = await import('./resp-server.js');
    expect(() => new RespServer(new MemoryRespStore(), { limits: { maxBulkBytes: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('a command that throws answers ERR internal error, is reported, and the connection goes on', async () => {
    const memory = new MemoryRespStore();
    const store = Object.assign(Object.create(memory) as MemoryRespStore, {
      get: () => {
        throw new TypeError('store exploded');
      },
    });
    const reported: string[] = [];
    server = await startRespServer({ store, onError: (error, command) => reported.push(`${command}: ${(error as Error).message}`) });
    const c = await server.client();
    expect(await c.call('GET', 'k')).toEqual({ error: 'ERR internal error (see the server log)' });
    expect(reported).toEqual(['GET: store exploded']);
    expect(await c.call('PING')).toBe('PONG');
  });
});
