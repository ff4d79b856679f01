import type { Socket } from 'node:net';
import type { CommandSpec } from '../commands/command-spec.js';
import type { CommandLookup } from '../commands/command-table.js';
import type { Transaction } from '../commands/transaction-commands.js';
import { ParseResult, RequestParser } from '../protocol/request-parser.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import type { RespStore } from '../store.js';
import { dispatch } from './dispatch.js';
import type { RespLimits } from './limits.js';
import { ScanCursors } from './scan-cursors.js';

const INTERNAL_ERROR = 'ERR internal error (see the server log)';

/** What a connection needs from the server that accepted it. */
export interface ConnectionHost {
  readonly store: RespStore;
  readonly limits: RespLimits;
  readonly lookup: CommandLookup;
  readonly commandList: readonly CommandSpec[];
  /** INFO's total_connections_received and total_commands_processed. */
  readonly counters: { connectionsReceived: number; commandsProcessed: number };
  clients(): Iterable<RespConnection>;
  /** A SCAN cursor number not used before on any connection (see ScanCursors). */
  nextCursorId(): number;
  closed(connection: RespConnection): void;
  /** The bytes this connection holds unread changed by `delta` (see `maxClientsBytes`). */
  buffered(delta: number): void;
  /** A command failed with an exception (a bug or a store failure): the client got `ERR internal error`. */
  reportError(error: unknown, command: string): void;
  /** A connection was closed as a likely cross-protocol attack. */
  reportSecurityWarning(message: string, remoteAddress: string): void;
}

/**
 * One client connection: feeds received bytes to its parser, runs each complete command, and
 * writes the replies of everything a chunk held in one socket write. While the socket does not
 * drain, it stops reading and running commands, so a client that never reads its replies holds
 * at most one chunk of input and `maxOutputBytes` of output before it is disconnected.
 */
export class RespConnection {
  readonly id: number;
  readonly reply = new ReplyWriter();
  readonly createdAt = Date.now();
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  lastCommand = '';
  /** The command name `dispatch` last looked up, and what it found (see dispatch). */
  lastName = '';
  lastSpec: CommandSpec | undefined = undefined;
  lastActiveAt = this.createdAt;
  /** Set by QUIT: answer, then close. */
  quitting = false;
  /** Commands queued since MULTI; null outside a transaction. */
  transaction: Transaction | null = null;

  private readonly parser: RequestParser;
  /** Made on this connection's first SCAN page: most connections never scan. */
  private scanCursors: ScanCursors | undefined;
  private authTimer: NodeJS.Timeout | undefined;
  private busy = false;
  /** The parser's unread bytes as last told to the host (see `recount`). */
  private counted = 0;
  private paused = false;
  private ended = false;
  /** The words of the queued command EXEC is running (the parser's are EXEC's own). */
  private queuedArgv: readonly string[] | null = null;

  constructor(
    readonly host: ConnectionHost,
    private readonly socket: Socket,
    id: number,
  ) {
    this.id = id;
    this.authenticated = !host.store.authRequired;
    this.parser = new RequestParser(host.limits);
    this.parser.authenticated = this.authenticated;
    if (!this.authenticated) {
      this.authTimer = setTimeout(() => {
        this.socket.end(`-ERR authentication timeout: no AUTH within ${host.limits.authTimeoutMs} ms\r\n`);
        this.socket.destroySoon();
      }, host.limits.authTimeoutMs);
      this.authTimer.unref();
    }
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.parser.push(chunk);
      this.recount();
      if (!this.busy && !this.paused && !this.ended) this.run();
    });
    socket.on('drain', () => {
      if (!this.paused) return;
      this.paused = false;
      // Still waiting on a command (see run): reading resumes when it is done.
      if (this.busy) return;
      socket.resume();
      this.run();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(this.authTimer);
      this.ended = true;
      host.buffered(-this.counted);
      this.counted = 0;
      host.closed(this);
    });
  }

  get store(): RespStore {
    return this.host.store;
  }

  get argv(): readonly string[] {
    return this.queuedArgv ?? this.parser.argv;
  }

  get argc(): number {
    return this.queuedArgv === null ? this.parser.argc : this.queuedArgv.length;
  }

  /** Runs one command of a transaction (EXEC); a failure answers its own error and the next one runs. */
  runQueued(spec: CommandSpec, argv: readonly string[]): void {
    this.queuedArgv = argv;
    this.host.counters.commandsProcessed++;
    try {
      // Commands that may answer later are refused at MULTI time (no_multi).
      void spec.handler?.(this);
    } catch (error) {
      this.failed(error);
    } finally {
      this.queuedArgv = null;
    }
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`;
  }

  get localAddress(): string {
    return `${this.socket.localAddress ?? '?'}:${this.socket.localPort ?? 0}`;
  }

  get parserSawInvalidUtf8(): boolean {
    return this.parser.invalidUtf8;
  }

  get bufferedInput(): number {
    return this.parser.buffered;
  }

  get bufferedOutput(): number {
    return this.socket.writableLength + this.reply.out.length;
  }

  /** A cursor id standing for "after this key" on this connection (SCAN cursors must be integers). */
  cursorFor(lastKey: string): string {
    this.scanCursors ??= new ScanCursors(() => this.host.nextCursorId());
    return this.scanCursors.issue(lastKey);
  }

  /** The key a SCAN cursor of this connection resumes after; null for an unknown cursor, undefined for "0". */
  keyOfCursor(cursor: string): string | null | undefined {
    if (cursor === '0') return undefined;
    return this.scanCursors?.resolve(cursor) ?? null;
  }

  markAuthenticated(): void {
    this.authenticated = true;
    this.parser.authenticated = true;
    clearTimeout(this.authTimer);
  }

  /** The client's IP address, as rate limits count clients. */
  get clientIp(): string {
    return this.socket.remoteAddress ?? '';
  }

  /** Ends the connection (server shutdown). */
  close(): void {
    this.socket.destroy();
  }

  /** Bytes received from this client and not yet run. */
  get pendingBytes(): number {
    return this.counted;
  }

  /** Closed by the server to free memory (see `maxClientsBytes`): `line` says why. */
  evict(line: string): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end(line);
    this.socket.destroySoon();
  }

  /** Tells the host how the bytes held unread changed since last time. */
  private recount(): void {
    const now = this.parser.buffered;
    if (now === this.counted) return;
    const delta = now - this.counted;
    this.counted = now;
    this.host.buffered(delta);
  }

  private run(): void {
    const parser = this.parser;
    const reply = this.reply;
    // Once per batch, not per command: CLIENT LIST's idle time is in seconds.
    this.lastActiveAt = Date.now();
    // Nothing is written to the socket until the batch ends (flush): what it holds is read once.
    const queued = this.socket.writableLength;
    const maxOutputBytes = this.host.limits.maxOutputBytes;
    while (!this.ended) {
      const result = parser.next();
      if (result === ParseResult.NeedMore) break;
      if (result === ParseResult.Error) {
        reply.error('ERR ' + parser.error);
        this.quitting = true;
        break;
      }
      let pending: void | Promise<void> = undefined;
      try {
        pending = dispatch(this);
      } catch (error) {
        this.failed(error);
      }
      if (pending !== undefined) {
        // Nothing is parsed until the command is done (a password check), so nothing is read
        // either: a client could otherwise pour gigabytes into the parser's buffer meanwhile.
        this.busy = true;
        this.socket.pause();
        pending.then(
          () => this.resumeAfter(),
          (error: unknown) => {
            this.failed(error);
            this.resumeAfter();
          },
        );
        break;
      }
      if (this.quitting) break;
      if (reply.out.length + queued > maxOutputBytes) {
        // Redis' client-output-buffer-limit: a reply the client is not reading is not kept.
        this.socket.destroy();
        return;
      }
    }
    this.flush();
  }

  /** One failed command answers an error; the connection and the server go on. */
  private failed(error: unknown): void {
    this.reply.error(INTERNAL_ERROR);
    this.host.reportError(error, this.argv[0] ?? '');
  }

  private resumeAfter(): void {
    this.busy = false;
    if (this.ended) return;
    if (!this.paused) this.socket.resume();
    if (this.quitting) this.flush();
    else this.run();
  }

  private flush(): void {
    if (this.ended) return;
    // What the batch ran no longer counts against maxClientsBytes.
    this.recount();
    const out = this.reply.take();
    if (this.quitting) {
      this.socket.end(out);
      this.ended = true;
      return;
    }
    if (out.length === 0 || this.busy) {
      if (out.length > 0) this.socket.write(out);
      return;
    }
    if (!this.socket.write(out) && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (this.socket.writableLength > this.host.limits.maxOutputBytes) this.socket.destroy();
  }
}
