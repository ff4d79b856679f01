import { connect, type Socket } from 'node:net';

/**
 * The soak's HTTP/1.1 client: keep-alive connections to one node, one request per connection at
 * a time, written as one prebuilt string and read back by Content-Length.
 *
 * Why not undici: the soak's two cores are shared by the three nodes and this generator, so every
 * µs it spends is taken from the nodes it measures. Against a trivial server, 8 connections,
 * closed loop (2026-12-01): undici `Pool` 91–94 µs of CPU per request, this client 31–36 µs
 * (node:http's client was ~100). What is measured does not change: a GET's latency is from the
 * send to the whole response.
 *
 * It reads only what meshcache answers: a status line, headers with a Content-Length, that many
 * bytes. Any other framing (chunked, no length), a closed connection or a timeout fails the
 * request; nothing is guessed.
 */
export type Outcome = { ok: true; status: number } | { ok: false; error: string };

interface Pending {
  readonly request: string;
  readonly done: (outcome: Outcome) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/**
 * A connection idle this long is reopened before its next request: Node servers close idle
 * keep-alive connections after 5 s, and a request written as the close arrives would be lost.
 */
const IDLE_REOPEN_MS = 4_000;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i;

class Connection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private current: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastUsed = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
    private readonly onIdle: (connection: Connection) => void,
  ) {}

  get busy(): boolean {
    return this.current !== undefined;
  }

  send(pending: Pending): void {
    if (performance.now() - this.lastUsed > IDLE_REOPEN_MS) this.close();
    this.lastUsed = performance.now();
    this.current = pending;
    this.timer = setTimeout(() => this.finish({ ok: false, error: `no whole response within ${this.timeoutMs} ms` }, true), this.timeoutMs);
    this.open().write(pending.request);
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** Closes for good: the request in flight, if any, fails now with `reason` rather than at its timeout. */
  shut(reason: string): void {
    clearTimeout(this.timer);
    const pending = this.current;
    this.current = undefined;
    this.close();
    pending?.done({ ok: false, error: reason });
  }

  private open(): Socket {
    if (this.socket) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A node may close an idle keep-alive connection; only a request in flight is lost with it.
    socket.on('close', () => {
      // A socket this connection already dropped: its request was settled then.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.buffered = Buffer.alloc(0);
      this.finish({ ok: false, error: 'connection closed before the whole response' }, false);
    });
    socket.on('error', () => undefined); // 'close' follows and reports it
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const status = STATUS_LINE.exec(head);
    const length = CONTENT_LENGTH.exec(head);
    if (!status || !length) return this.finish({ ok: false, error: `unexpected response framing: ${head.split('\r\n', 1)[0]}` }, true);
    const total = end + HEADER_END.length + Number(length[1]);
    if (this.buffered.length < total) return;
    if (this.buffered.length > total || !this.current) return this.finish({ ok: false, error: 'bytes beyond the response' }, true);
    this.buffered = Buffer.alloc(0);
    this.finish({ ok: true, status: Number(status[1]) }, /Connection: close/i.test(head));
  }

  /** Ends the request in flight (if any); `drop` closes the connection (the next send reopens it). */
  private finish(outcome: Outcome, drop: boolean): void {
    clearTimeout(this.timer);
    this.lastUsed = performance.now();
    const pending = this.current;
    this.current = undefined;
    if (drop) this.close();
    if (!pending) return;
    pending.done(outcome);
    this.onIdle(this);
  }
}

/** `size` connections to one node; requests beyond them wait in order. */
export class RawHttpPool {
  private readonly connections: Connection[];
  private readonly waiting: Pending[] = [];
  private readonly hostHeader: string;
  private closed = false;

  constructor(origin: string, size: number, timeoutMs: number) {
    const url = new URL(origin);
    this.hostHeader = url.host;
    this.connections = Array.from({ length: size }, () => new Connection(url.hostname, Number(url.port || 80), timeoutMs, (c) => this.next(c)));
  }

  request(method: 'GET' | 'POST', path: string, body: string | undefined, done: (outcome: Outcome) => void): void {
    if (this.closed) return done({ ok: false, error: 'pool closed' });
    const headers = body === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    const pending = { request: `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n${headers}\r\n${body ?? ''}`, done };
    const idle = this.connections.find((c) => !c.busy);
    if (idle) idle.send(pending);
    else this.waiting.push(pending);
  }

  /** Closes every connection; whatever is waiting or in flight fails at once (every `done` is called). */
  close(): void {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.done({ ok: false, error: 'pool closed before the request was sent' });
    for (const c of this.connections) c.shut('pool closed before the whole response');
  }

  private next(connection: Connection): void {
    if (this.closed) return;
    const pending = this.waiting.shift();
    if (pending) connection.send(pending);
  }
}
