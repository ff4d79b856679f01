import { encodeCommand, startRespServer, type TestRespServer } from '../test/raw-client.js';

describe('SCAN cursors are per connection', () => {
  let server: TestRespServer;
  beforeEach(async () => {
    server = await startRespServer();
  });
  afterEach(() => server.close());

  it("one connection's flood of SCANs neither evicts another's cursor nor can continue it", async () => {
    const a = await server.client();
    const b = await server.client();
    expect(await a.call('MSET', 'k1', 'v', 'k2', 'v', 'k3', 'v')).toBe('OK');
    const [cursor, first] = (await a.call('SCAN', '0', 'COUNT', '1')) as [string, string[]];
    expect(first).toEqual(['k1']);
    // More pages than the old server-wide table held (65,536), all in one write.
    b.write(Buffer.concat(Array.from({ length: 70_000 }, () => encodeCommand('SCAN', '0', 'COUNT', '1'))));
    const floods = await b.take(70_000, 60_000);
    expect(floods[floods.length - 1]).toEqual([expect.any(String), ['k1']]);
    expect(await b.call('SCAN', cursor, 'COUNT', '1')).toEqual({ error: 'ERR invalid cursor' });
    expect(await a.call('SCAN', cursor, 'COUNT', '10')).toEqual(['0', ['k2', 'k3']]);
  }, 90_000);

  it('a connection keeps its latest 1024 cursors: an older one is invalid, not a restart', async () => {
    const c = await server.client();
    expect(await c.call('MSET', 'k1', 'v', 'k2', 'v')).toBe('OK');
    const [oldest] = (await c.call('SCAN', '0', 'COUNT', '1')) as [string, string[]];
    c.write(Buffer.concat(Array.from({ length: 1024 }, () => encodeCommand('SCAN', '0', 'COUNT', '1'))));
    const pages = (await c.take(1024)) as [string, string[]][];
    expect(await c.call('SCAN', oldest)).toEqual({ error: 'ERR invalid cursor' });
    expect(await c.call('SCAN', pages[0][0])).toEqual(['0', ['k2']]);
  });
});
