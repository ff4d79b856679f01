import { connect, createServer, type Server, type Socket } from 'node:net';
import { MemoryRespStore, type MemoryRespStoreOptions } from '../memory-store.js';
import { RespServer, type RespServerOptions } from '../server/resp-server.js';
import type { RespStore } from '../store.js';
import { readReplies, type Reply } from './reply-reader.js';

/** Encodes a command as a client sends it: an array of bulk strings. */
export const encodeCommand = (...args: (string | Buffer)[]): Buffer => {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
};

/** A raw RESP client: writes bytes, collects decoded replies, notices the server closing. */
export class RawClient {
  private pending = Buffer.alloc(0);
  private readonly replies: Reply[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      const { replies, used } = readReplies(this.pending);
      this.pending = this.pending.subarray(used);
      this.replies.push(...replies);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** The next `n` replies (rejects if the connection closes first). */
  async take(n = 1, timeoutMs = 10_000): Promise<Reply[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length < n) {
      if (this.closed) throw new TypeError(`connection closed after ${this.replies.length} of ${n} replies`);
      if (Date.now() > deadline) throw new TypeError(`timed out waiting for ${n} replies (have ${this.replies.length})`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
    return this.replies.splice(0, n);
  }

  async call(...args: string[]): Promise<Reply> {
    this.write(encodeCommand(...args));
    return (await this.take(1))[0];
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new TypeError('connection still open');
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface TestRespServer {
  readonly port: number;
  readonly resp: RespServer;
  readonly store: RespStore;
  client(): Promise<RawClient>;
  close(): Promise<void>;
}

/** A RespServer over a MemoryRespStore (or `store`) on 127.0.0.1 and a free port. */
export const startRespServer = async (options: RespServerOptions & MemoryRespStoreOptions & { store?: RespStore } = {}): Promise<TestRespServer> => {
  const store = options.store ?? new MemoryRespStore(options);
  const resp = new RespServer(store, options);
  const server: Server = createServer(resp.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const clients: RawClient[] = [];
  return {
    port,
    resp,
    store,
    async client() {
      const c = await RawClient.connect(port);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      resp.closeAll();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
};
