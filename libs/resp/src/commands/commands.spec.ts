import { startRespServer, type RawClient, type TestRespServer } from '../test/raw-client.js';

describe('Redis commands over a MemoryRespStore', () => {
  let server: TestRespServer;
  let c: RawClient;
  let clock = 1_000_000;

  beforeEach(async () => {
    clock = 1_000_000;
    server = await startRespServer({ now: () => clock });
    c = await server.client();
  });
  afterEach(() => server.close());

  it('answers PING, ECHO and SELECT 0 like Redis', async () => {
    expect(await c.call('PING')).toBe('PONG');
    expect(await c.call('ping', 'hi')).toBe('hi');
    expect(await c.call('ECHO', 'x y')).toBe('x y');
    expect(await c.call('SELECT', '0')).toBe('OK');
    expect(await c.call('SELECT', '1')).toEqual({ error: 'ERR DB index is out of range' });
    expect(await c.call('SELECT', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
  });

  it('answers unknown commands and bad arity with Redis error strings and stays usable', async () => {
    expect(await c.call('FOO', 'a', 'b')).toEqual({ error: "ERR unknown command 'FOO', with args beginning with: 'a' 'b' " });
    expect(await c.call('GET')).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    expect(await c.call('CONFIG', 'NOPE')).toEqual({ error: "ERR unknown subcommand 'NOPE'. Try CONFIG HELP." });
    expect(await c.call('config|get', 'maxmemory', 'x')).toEqual({ error: "ERR unknown command 'config|get', with args beginning with: 'maxmemory' 'x' " });
    expect(await c.call('PING')).toBe('PONG');
  });

  it('SET with NX, XX, GET, EX, PX, EXAT, PXAT and KEEPTTL', async () => {
    expect(await c.call('SET', 'k', 'v1')).toBe('OK');
    expect(await c.call('SET', 'k', 'v2', 'NX')).toBeNull();
    expect(await c.call('SET', 'n', 'v', 'XX')).toBeNull();
    expect(await c.call('SET', 'k', 'v3', 'XX', 'GET')).toBe('v1');
    expect(await c.call('SET', 'k', 'v4', 'EX', '10')).toBe('OK');
    expect(await c.call('PTTL', 'k')).toBe(10_000);
    expect(await c.call('SET', 'k', 'v5', 'KEEPTTL')).toBe('OK');
    expect(await c.call('TTL', 'k')).toBe(10);
    expect(await c.call('SET', 'k', 'v6')).toBe('OK');
    expect(await c.call('TTL', 'k')).toBe(-1);
    expect(await c.call('SET', 'k', 'v', 'PX', '1500')).toBe('OK');
    expect(await c.call('PTTL', 'k')).toBe(1500);
    expect(await c.call('SET', 'k', 'v', 'EXAT', String(clock / 1000 + 5))).toBe('OK');
    expect(await c.call('TTL', 'k')).toBe(5);
    expect(await c.call('SET', 'k', 'v', 'PXAT', String(clock - 1))).toBe('OK');
    expect(await c.call('EXISTS', 'k')).toBe(0);
    expect(await c.call('SET', 'k', 'v', 'EX', '0')).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(await c.call('SET', 'k', 'v', 'EX', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(await c.call('SET', 'k', 'v', 'NX', 'XX')).toEqual({ error: 'ERR syntax error' });
    expect(await c.call('SET', 'k', 'v', 'EX', '1', 'PX', '1')).toEqual({ error: 'ERR syntax error' });
    expect(await c.call('SET', 'k', 'v', 'EX')).toEqual({ error: 'ERR syntax error' });
  });

  it('expires keys by the store clock', async () => {
    await c.call('SETEX', 'k', '2', 'v');
    clock += 1999;
    expect(await c.call('GET', 'k')).toBe('v');
    clock += 1;
    expect(await c.call('GET', 'k')).toBeNull();
    expect(await c.call('TTL', 'k')).toBe(-2);
    expect(await c.call('SETEX', 'k', '-1', 'v')).toEqual({ error: "ERR invalid expire time in 'setex' command" });
  });

  it('EXPIRE family with NX XX GT LT, PERSIST, GETEX', async () => {
    await c.call('SET', 'k', 'v');
    expect(await c.call('EXPIRE', 'k', '100', 'XX')).toBe(0);
    expect(await c.call('EXPIRE', 'k', '100', 'NX')).toBe(1);
    expect(await c.call('EXPIRE', 'k', '50', 'GT')).toBe(0);
    expect(await c.call('EXPIRE', 'k', '50', 'LT')).toBe(1);
    expect(await c.call('TTL', 'k')).toBe(50);
    expect(await c.call('PEXPIREAT', 'k', String(clock + 7000))).toBe(1);
    expect(await c.call('TTL', 'k')).toBe(7);
    expect(await c.call('PERSIST', 'k')).toBe(1);
    expect(await c.call('PERSIST', 'k')).toBe(0);
    expect(await c.call('GETEX', 'k', 'PX', '300')).toBe('v');
    expect(await c.call('PTTL', 'k')).toBe(300);
    expect(await c.call('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(await c.call('TTL', 'k')).toBe(-1);
    expect(await c.call('EXPIRE', 'k', '-1')).toBe(1);
    expect(await c.call('EXISTS', 'k')).toBe(0);
    expect(await c.call('EXPIRE', 'missing', '10')).toBe(0);
    expect(await c.call('EXPIRE', 'k', '10', 'NX', 'XX')).toEqual({ error: 'ERR NX and XX, GT or LT options at the same time are not compatible' });
  });

  it('MGET, MSET, MSETNX, GETDEL, SETNX, DEL, EXISTS, TYPE', async () => {
    expect(await c.call('MSET', 'a', '1', 'b', '2')).toBe('OK');
    expect(await c.call('MSET', 'a', '1', 'b')).toEqual({ error: "ERR wrong number of arguments for 'mset' command" });
    expect(await c.call('MGET', 'a', 'x', 'b')).toEqual(['1', null, '2']);
    expect(await c.call('MSETNX', 'a', '9', 'c', '3')).toBe(0);
    expect(await c.call('MSETNX', 'c', '3', 'd', '4')).toBe(1);
    expect(await c.call('SETNX', 'c', 'x')).toBe(0);
    expect(await c.call('GETDEL', 'c')).toBe('3');
    expect(await c.call('GETDEL', 'c')).toBeNull();
    expect(await c.call('EXISTS', 'a', 'a', 'zz')).toBe(2);
    expect(await c.call('TYPE', 'a')).toBe('string');
    expect(await c.call('TYPE', 'zz')).toBe('none');
    expect(await c.call('DEL', 'a', 'b', 'zz')).toBe(2);
    expect(await c.call('UNLINK', 'd')).toBe(1);
    expect(await c.call('DBSIZE')).toBe(0);
  });

  it('INCR family on 64-bit integers, keeping the TTL', async () => {
    expect(await c.call('INCR', 'n')).toBe(1);
    expect(await c.call('INCRBY', 'n', '41')).toBe(42);
    expect(await c.call('DECR', 'n')).toBe(41);
    expect(await c.call('DECRBY', 'n', '50')).toBe(-9);
    await c.call('SET', 'big', '9223372036854775806');
    expect(await c.call('INCR', 'big')).toBe(9223372036854775807n);
    expect(await c.call('GET', 'big')).toBe('9223372036854775807');
    expect(await c.call('INCR', 'big')).toEqual({ error: 'ERR increment or decrement would overflow' });
    await c.call('SET', 's', 'abc');
    expect(await c.call('INCR', 's')).toEqual({ error: 'ERR value is not an integer or out of range' });
    await c.call('SET', 's', '01');
    expect(await c.call('INCR', 's')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(await c.call('INCRBY', 'n', '1.5')).toEqual({ error: 'ERR value is not an integer or out of range' });
    await c.call('SET', 't', '5', 'EX', '100');
    expect(await c.call('INCR', 't')).toBe(6);
    expect(await c.call('TTL', 't')).toBe(100);
  });

  it('APPEND and STRLEN count UTF-8 bytes', async () => {
    expect(await c.call('APPEND', 'k', 'hé')).toBe(3);
    expect(await c.call('APPEND', 'k', '€')).toBe(6);
    expect(await c.call('STRLEN', 'k')).toBe(6);
    expect(await c.call('GET', 'k')).toBe('hé€');
    expect(await c.call('STRLEN', 'none')).toBe(0);
  });

  it('returns non-string values (as set over REST) as their JSON text', async () => {
    server.store.set('j', { a: [1, 'x'] }, undefined);
    server.store.set('n', 5, undefined);
    expect(await c.call('GET', 'j')).toBe('{"a":[1,"x"]}');
    expect(await c.call('INCR', 'n')).toBe(6);
    expect(server.store.peek('n')?.value).toBe('6');
  });

  it('KEYS and SCAN with MATCH and COUNT visit every key once', async () => {
    const names = Array.from({ length: 57 }, (_, i) => `user:${i}`);
    await c.call('MSET', ...names.flatMap((n) => [n, 'v']), 'other', 'v');
    expect(((await c.call('KEYS', 'user:*')) as string[]).sort()).toEqual([...names].sort());
    expect(await c.call('KEYS', 'user:1?')).toHaveLength(10);
    const seen: string[] = [];
    let cursor = '0';
    for (let i = 0; i < 100; i++) {
      const [next, batch] = (await c.call('SCAN', cursor, 'MATCH', 'user:*', 'COUNT', '7')) as [string, string[]];
      seen.push(...batch);
      cursor = next;
      if (cursor === '0') break;
    }
    expect(cursor).toBe('0');
    expect(seen.sort()).toEqual([...names].sort());
    expect(await c.call('SCAN', 'abc')).toEqual({ error: 'ERR invalid cursor' });
    expect(await c.call('SCAN', '0', 'COUNT', '0')).toEqual({ error: 'ERR syntax error' });
    expect(await c.call('SCAN', '0', 'TYPE', 'hash')).toEqual(['0', []]);
  });

  it('FLUSHDB and FLUSHALL clear everything', async () => {
    await c.call('SET', 'a', '1');
    expect(await c.call('FLUSHALL', 'ASYNC')).toBe('OK');
    expect(await c.call('DBSIZE')).toBe(0);
    expect(await c.call('FLUSHDB', 'NOW')).toEqual({ error: 'ERR syntax error' });
  });

  it('CONFIG GET/SET maxmemory-policy switches the store policy', async () => {
    expect(await c.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
    expect(await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu')).toBe('OK');
    expect(server.store.policy()).toBe('lfu');
    expect(await c.call('CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl')).toEqual({
      error: "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: allkeys-lru, allkeys-lfu",
    });
    expect(await c.call('CONFIG', 'SET', 'save', '')).toEqual({ error: "ERR Unknown option or number of arguments for CONFIG SET - 'save'" });
    expect(await c.call('CONFIG', 'GET', 'maxmemory*')).toEqual(['maxmemory-policy', 'allkeys-lfu', 'maxmemory', '0']);
  });

  it('HELLO 3 switches to RESP3 maps and nulls; HELLO 4 is NOPROTO', async () => {
    expect(await c.call('HELLO', '4')).toEqual({ error: 'NOPROTO unsupported protocol version' });
    const hello = (await c.call('HELLO', '3', 'SETNAME', 'app')) as { map: [string, unknown][] };
    expect(Object.fromEntries(hello.map)).toMatchObject({ proto: 3, mode: 'standalone', role: 'master' });
    expect(await c.call('GET', 'missing')).toBeNull();
    expect(await c.call('CONFIG', 'GET', 'maxmemory')).toEqual({ map: [['maxmemory', '0']] });
    expect(await c.call('CLIENT', 'GETNAME')).toBe('app');
  });

  it('CLIENT SETNAME/GETNAME/ID/INFO/SETINFO', async () => {
    expect(await c.call('CLIENT', 'GETNAME')).toBeNull();
    expect(await c.call('CLIENT', 'SETNAME', 'a b')).toEqual({ error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    expect(await c.call('CLIENT', 'SETNAME', 'worker-1')).toBe('OK');
    expect(await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'mylib')).toBe('OK');
    const id = await c.call('CLIENT', 'ID');
    expect(typeof id).toBe('number');
    expect(await c.call('CLIENT', 'INFO')).toMatch(new RegExp(`^id=${String(id)} .*name=worker-1 .*lib-name=mylib`));
  });

  it('COMMAND, COMMAND COUNT/INFO/DOCS come from the table', async () => {
    const count = (await c.call('COMMAND', 'COUNT')) as number;
    expect((await c.call('COMMAND')) as unknown[]).toHaveLength(count);
    const [getInfo] = (await c.call('COMMAND', 'INFO', 'get')) as unknown[][];
    expect(getInfo.slice(0, 6)).toEqual(['get', 2, ['readonly', 'fast'], 1, 1, 1]);
    const docs = (await c.call('COMMAND', 'DOCS', 'set')) as unknown[];
    expect(docs[0]).toBe('set');
    expect(docs[1]).toEqual(expect.arrayContaining(['summary', 'since', '1.0.0', 'group', 'string']));
  });

  it('INFO has the sections clients read', async () => {
    await c.call('SET', 'a', '1');
    await c.call('GET', 'a');
    await c.call('GET', 'b');
    const info = (await c.call('INFO')) as string;
    for (const line of ['# Server', 'redis_version:7.0.0', 'loading:0', 'keyspace_hits:1', 'keyspace_misses:1', 'role:master', 'db0:keys=1', 'maxmemory_policy:allkeys-lru', 'connected_clients:1']) {
      expect(info).toContain(line);
    }
    expect(await c.call('INFO', 'keyspace')).toBe('# Keyspace\r\ndb0:keys=1\r\n');
  });

  it('pipelined commands are answered in order, in one batch', async () => {
    const { encodeCommand } = await import('../test/raw-client.js');
    c.write(Buffer.concat([encodeCommand('SET', 'p', '1'), encodeCommand('INCR', 'p'), encodeCommand('GET', 'p'), encodeCommand('PING')]));
    expect(await c.take(4)).toEqual(['OK', 2, '2', 'PONG']);
  });

  it('QUIT answers OK and closes the connection', async () => {
    expect(await c.call('QUIT')).toBe('OK');
    await c.waitClosed();
  });
});
