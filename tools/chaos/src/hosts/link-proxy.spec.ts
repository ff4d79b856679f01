import { connect, createServer, type Server, type Socket } from 'node:net';
import { seededRandom } from '../prng.js';
import { LinkProxy } from './link-proxy.js';

// The loopback fallback's link: 127.0.0.1 only, an echo server behind it.
describe('LinkProxy', () => {
  let echo: Server;
  let proxy: LinkProxy;
  const clients: Socket[] = [];

  beforeEach(async () => {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    proxy = new LinkProxy((echo.address() as { port: number }).port, seededRandom(1));
    await proxy.listen();
  });

  afterEach(async () => {
    for (const c of clients) c.destroy();
    await proxy.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  const open = async () => {
    const c = connect(proxy.port, '127.0.0.1');
    clients.push(c);
    await new Promise<void>((r) => c.once('connect', r));
    return c;
  };
  const reply = (c: Socket) => new Promise<string>((r) => c.once('data', (d) => r(d.toString())));

  it('carries bytes both ways, delayed or not, and counts them', async () => {
    const c = await open();
    c.write('ping');
    expect(await reply(c)).toBe('ping');
    proxy.setDelay(20, 20);
    c.write('pong');
    expect(await reply(c)).toBe('pong');
    expect(proxy.bytes).toBe(16);
  });

  it('drops one direction while asked, and cuts the connections that lost bytes when healed', async () => {
    const c = await open();
    proxy.dropBackward = true;
    c.write('lost');
    // The echo's answer is dropped; the forward direction still counts what it carried.
    await new Promise<void>((r) => {
      const wait = () => (proxy.bytes >= 4 ? r() : setTimeout(wait, 10));
      wait();
    });
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    proxy.dropBackward = false;
    proxy.reset();
    await closed;
    const fresh = await open();
    fresh.write('again');
    expect(await reply(fresh)).toBe('again');
  });
});
