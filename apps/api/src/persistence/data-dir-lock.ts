import { createHash } from 'node:crypto';
import { mkdir, realpath, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
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
  const inDir = join(dir, LOCK_SOCKET);
  // Some file systems take no socket files (FUSE ones such as lazyfs answer EROFS, NFS may
  // refuse), and a long DATA_DIR makes too long a socket path: the socket then lives in the
  // temporary directory, named after DATA_DIR's real path, which guards processes that share
  // that directory (one machine, one container) but not containers that only share a volume.
  const fallback = async (why: string): Promise<DataDirClaim> => {
    const path = join(tmpdir(), `meshcache-${createHash('sha256').update(await realpath(dir)).digest('hex').slice(0, 24)}.sock`);
    try {
      return await claimAt(dir, path);
    } catch (error) {
      if (error instanceof DataDirInUseError) throw error;
      return { held: false, reason: `${why}, and ${path} could not be created either (${(error as Error).message})` };
    }
  };
  if (Buffer.byteLength(inDir) > MAX_SOCKET_PATH) return fallback(`the path ${inDir} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket may have`);
  try {
    return await claimAt(dir, inDir);
  } catch (error) {
    if (error instanceof DataDirInUseError) throw error;
    return fallback(`${inDir} could not be created (${(error as Error).message})`);
  }
}

/** Listens at `path`, replacing a socket nobody answers; DataDirInUseError when someone does. */
async function claimAt(dir: string, path: string): Promise<DataDirClaim> {
  // Each probe is answered by closing it; the claim never keeps the process alive.
  const server = createServer((socket) => socket.destroy());
  try {
    await listen(server, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await answers(path)) {
      throw new DataDirInUseError(`DATA_DIR (--data-dir) ${dir} is in use by another running node (its lock socket ${path} answers): give every node its own DATA_DIR`);
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
