import { createServer } from 'node:net';

/**
 * A port the OS just handed out on 127.0.0.1, for a process the caller is about to start. The
 * port is released before it is returned, so another process could take it first; tests that
 * start a server retry or fail with the port named.
 */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
