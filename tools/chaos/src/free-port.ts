import { createServer } from 'node:net';

/** A port the OS just handed out on 127.0.0.1 (for the loopback hosts and the soak's nodes). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
