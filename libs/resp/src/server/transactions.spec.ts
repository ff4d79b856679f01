import { Redis } from 'ioredis';
import { startRespServer, type TestRespServer } from '../test/raw-client.js';

describe('MULTI / EXEC / DISCARD', () => {
  let server: TestRespServer;
  let redis: Redis | undefined;
  beforeEach(async () => {
    server = await startRespServer();
  });
  afterEach(async () => {
    redis?.disconnect();
    redis = undefined;
    await server.close();
  });

  it("runs ioredis' multi().exec() as one transaction and answers every reply", async () => {
    redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    expect(await redis.multi().set('a', '1').incr('a').get('a').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    expect(await redis.get('a')).toBe('2');
  });

  it('queues commands (QUEUED), writes nothing before EXEC, and nothing at all after DISCARD', async () => {
    const c = await server.client();
    const other = await server.client();
    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('SET', 'k', 'v')).toBe('QUEUED');
    expect(await other.call('EXISTS', 'k')).toBe(0);
    expect(await c.call('DISCARD')).toBe('OK');
    expect(await other.call('EXISTS', 'k')).toBe(0);
    expect(await c.call('EXEC')).toEqual({ error: 'ERR EXEC without MULTI' });
    expect(await c.call('DISCARD')).toEqual({ error: 'ERR DISCARD without MULTI' });
  });

  it('runs nothing when a queued command was refused (EXECABORT), and a failing command does not stop the others', async () => {
    const c = await server.client();
    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('SET', 'k', 'v')).toBe('QUEUED');
    expect(await c.call('NOSUCH')).toEqual({ error: "ERR unknown command 'NOSUCH', with args beginning with: " });
    expect(await c.call('EXEC')).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(await c.call('EXISTS', 'k')).toBe(0);

    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('SET', 'n', 'x')).toBe('QUEUED');
    expect(await c.call('INCR', 'n')).toBe('QUEUED');
    expect(await c.call('SET', 'm', 'y')).toBe('QUEUED');
    expect(await c.call('EXEC')).toEqual(['OK', { error: 'ERR value is not an integer or out of range' }, 'OK']);
    expect(await c.call('MGET', 'n', 'm')).toEqual(['x', 'y']);
  });

  it('refuses MULTI inside MULTI and WATCH (unsupported), and says so', async () => {
    const c = await server.client();
    expect(await c.call('WATCH', 'k')).toEqual({ error: expect.stringMatching(/^ERR WATCH is not supported/) });
    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('MULTI')).toEqual({ error: 'ERR Command not allowed inside a transaction' });
    expect(await c.call('EXEC')).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
  });

  it('bounds what a transaction queues by maxCommandBytes: past it nothing is kept and EXEC runs nothing', async () => {
    await server.close();
    server = await startRespServer({ limits: { maxBulkBytes: 1024, maxCommandBytes: 4096 } });
    const c = await server.client();
    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('SET', 'a', 'x'.repeat(1000))).toBe('QUEUED');
    for (let i = 0; i < 2; i++) expect(await c.call('SET', `b${i}`, 'x'.repeat(1000))).toBe('QUEUED');
    expect(await c.call('SET', 'c', 'x'.repeat(1000))).toEqual({ error: 'ERR transaction larger than maxCommandBytes (4096 bytes): discarded, EXEC will run nothing' });
    expect(await c.call('EXEC')).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(await c.call('EXISTS', 'a', 'b0', 'b1', 'c')).toBe(0);
  });
});
