import { mkdir, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/** The socket in DATA_DIR that says a live node uses the directory. */
export const LOCK_SOCKET = 'lock.sock';
/** Longest unix socket path Linux takes (sun_path is 108 bytes, one for the NUL). */
const MAX_SOCKET_PATH = 107;

/** Another live process holds DATA_DIR. */
export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
}

export type DataDirClaim = { held: true; release(): Promise<void> } | { held: false; reason: string };

/**
 * Claims DATA_DIR for this process, so that two nodes never write one directory: each one's
 * snapshots make the other's logs obsolete and delete them, so one node's acknowledged writes
 * were gone after a restart (two nodes started with the same DATA_DIR both started cleanly).
 *
 * The claim is a unix socket listening in the directory. The kernel stops it from accepting the
 * moment its process dies, however it dies (kill -9 included), so a socket that accepts a
 * connection belongs to a live process (a stopped one too), and one that refuses is the leftover
 * of a dead one and is replaced. No pid file: pids are reused, and a container's node is pid 1
 * at every start. This guards processes on one kernel (containers sharing a volume included),
 * not two machines mounting one network file system.
 */
export async function claimDataDir(dir: string): Promise<DataDirClaim> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new Error(`DATA_DIR (--data-dir) ${dir} cannot be used: ${(error as Error).message}`);
  }
  if (process.platform === 'win32') return { held: false, reason: 'no unix sockets on Windows' };
  const path = join(dir, LOCK_SOCKET);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return { held: false, reason: `the path ${path} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket may have` };
  // Each probe is answered by closing it; the claim never keeps the process alive.
  const server = createServer((socket) => socket.destroy());
  try {
    await listen(server, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw new Error(`DATA_DIR (--data-dir) ${dir} cannot be used: cannot create ${path}: ${(error as Error).message}`);
    if (await answers(path)) {
      throw new DataDirInUseError(`DATA_DIR (--data-dir) ${dir} is in use by another running node (its ${LOCK_SOCKET} answers): give every node its own DATA_DIR`);
    }
    await unlink(path);
    await listen(server, path);
  }
  server.unref();
  return { held: true, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const listen = (server: Server, path: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** True when something accepts a connection on the socket at `path` (or may: a refusal for another reason than no listener). */
const answers = (path: string): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'));
  });
