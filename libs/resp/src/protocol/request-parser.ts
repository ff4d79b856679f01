import { isUtf8 } from 'node:buffer';
import { splitInlineArgs } from './inline-args.js';

/** Bounds on what one client may send; past them the request is a protocol error. */
export interface ParserLimits {
  /** Largest bulk string (`$<n>`) in bytes. */
  readonly maxBulkBytes: number;
  /** Most elements of one command array (`*<n>`). */
  readonly maxArrayLength: number;
  /** Longest inline command (a line typed without `*`), and longest `*`/`$` header line. */
  readonly maxInlineBytes: number;
  /**
   * Most bytes of bulk strings in one command. Every argument is held until the command ends,
   * so without this bound one command of many `maxBulkBytes` arguments exhausts the heap.
   */
  readonly maxCommandBytes: number;
}

/**
 * Before a client has authenticated (when a password is required) it may send only tiny
 * commands, as in Redis: a stranger cannot make the server buffer megabytes.
 */
export const UNAUTHENTICATED_LIMITS = { maxArrayLength: 10, maxBulkBytes: 16 * 1024 } as const;

/** What `next()` found. */
export const ParseResult = {
  /** A whole command is in `argv[0..argc)`. */
  Command: 0,
  /** The buffer ends inside a command: push more bytes. */
  NeedMore: 1,
  /** The bytes are not RESP; `error` says why (answer it and close the connection). */
  Error: 2,
} as const;
export type ParseResult = (typeof ParseResult)[keyof typeof ParseResult];

/** An empty inline line: no command, keep reading. */
const SKIP = -1;

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
/** Longest command name kept for reuse (`commandName`): every Redis command name fits. */
const NAME_BYTES = 24;
/** Arguments up to this long are decoded in JS when they are ASCII (see `decode`). */
const SHORT_ARG_BYTES = 32;
/** One array per length for `decode`'s character codes: it fills one and makes the string at once. */
const CODE_ARRAYS: number[][] = Array.from({ length: SHORT_ARG_BYTES + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * Incremental RESP request parser (multibulk `*<n>\r\n$<len>\r\n...` and inline commands), one
 * per connection. Its state survives between chunks, so a command split anywhere costs no
 * re-parse, and a large bulk string is gathered with a single copy once all of it has arrived.
 * `argv` is reused from command to command: read it before the next call to `next()`.
 */
export class RequestParser {
  readonly argv: string[] = [];
  argc = 0;
  /** An argument of the last command was not valid UTF-8 (meshcache stores text). */
  invalidUtf8 = false;
  error = '';
  /** When false, the tighter {@link UNAUTHENTICATED_LIMITS} apply. */
  authenticated = true;

  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Chunks waiting until `need` bytes are buffered (a large bulk string arriving in pieces). */
  private parked: Buffer[] = [];
  private parkedBytes = 0;
  private need = 0;
  /** Elements still to read of the current multibulk command; 0 when between commands. */
  private remaining = 0;
  /** Length of the bulk string being read, or -1 while its `$` header is still to come. */
  private bulkLen = -1;
  /** Bytes the current multibulk command has announced so far (see `maxCommandBytes`). */
  private commandBytes = 0;
  /** The last command name decoded, and its bytes (see `commandName`). */
  private name = '';
  private nameLength = -1;
  private readonly nameBytes = new Uint8Array(NAME_BYTES);

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.buf.length - this.pos + this.parkedBytes;
  }

  push(chunk: Buffer): void {
    if (this.pos === this.buf.length && this.parkedBytes === 0) {
      this.buf = chunk;
      this.pos = 0;
      return;
    }
    this.parked.push(chunk);
    this.parkedBytes += chunk.length;
    if (this.buf.length - this.pos + this.parkedBytes < this.need) return;
    this.parked.unshift(this.buf.subarray(this.pos));
    this.buf = Buffer.concat(this.parked);
    this.pos = 0;
    this.parked = [];
    this.parkedBytes = 0;
  }

  next(): ParseResult {
    if (this.parkedBytes > 0) return ParseResult.NeedMore;
    for (;;) {
      if (this.remaining === 0) {
        if (this.pos >= this.buf.length) return this.needMore(1);
        this.argc = 0;
        this.invalidUtf8 = false;
        if (this.buf[this.pos] !== STAR) {
          const inline = this.inline();
          if (inline === SKIP) continue;
          return inline;
        }
        const header = this.readHeader('mbulk');
        if (header === null) return this.lastProblem();
        const max = this.authenticated ? this.limits.maxArrayLength : UNAUTHENTICATED_LIMITS.maxArrayLength;
        if (header > max) return this.fail(this.authenticated ? 'invalid multibulk length' : 'unauthenticated multibulk length');
        // `*0` and `*-1` are legal and carry no command.
        if (header <= 0) continue;
        this.remaining = header;
        this.bulkLen = -1;
        this.commandBytes = 0;
      }
      while (this.remaining > 0) {
        if (this.bulkLen === -1) {
          if (this.pos >= this.buf.length) return this.needMore(1);
          const first = this.buf[this.pos];
          if (first !== DOLLAR) return this.fail(`expected '$', got '${String.fromCharCode(first)}'`);
          const len = this.readHeader('bulk');
          if (len === null) return this.lastProblem();
          const max = this.authenticated ? this.limits.maxBulkBytes : UNAUTHENTICATED_LIMITS.maxBulkBytes;
          if (len < 0 || len > max) return this.fail(this.authenticated ? 'invalid bulk length' : 'unauthenticated bulk length');
          // Counted when announced, before any of it is buffered.
          this.commandBytes += len;
          if (this.commandBytes > this.limits.maxCommandBytes) return this.fail(`command larger than maxCommandBytes (${this.limits.maxCommandBytes} bytes)`);
          this.bulkLen = len;
        }
        const end = this.pos + this.bulkLen;
        if (end + 2 > this.buf.length) return this.needMore(end + 2 - this.pos);
        if (this.buf[end] !== CR || this.buf[end + 1] !== LF) return this.fail('invalid bulk terminator');
        this.addArg(this.pos, end);
        this.pos = end + 2;
        this.bulkLen = -1;
        this.remaining--;
      }
      this.compact();
      return ParseResult.Command;
    }
  }

  private problem: ParseResult = ParseResult.NeedMore;

  private lastProblem(): ParseResult {
    return this.problem;
  }

  /**
   * Reads `<prefix><digits>\r\n` at `pos` (prefix `*` or `$`); null when the line is incomplete
   * (problem NeedMore) or malformed (problem Error).
   */
  private readHeader(kind: 'mbulk' | 'bulk'): number | null {
    const buf = this.buf;
    const start = this.pos + 1;
    // A header is a few bytes: looked for here rather than by a native `indexOf` call (four
    // per SET), and never past the longest line allowed.
    const limit = Math.min(buf.length, this.pos + this.limits.maxInlineBytes + 1);
    let lineEnd = start;
    while (lineEnd < limit && buf[lineEnd] !== LF) lineEnd++;
    if (lineEnd === limit) {
      if (buf.length - this.pos > this.limits.maxInlineBytes) {
        this.problem = this.fail(`too big ${kind} count string`);
      } else this.problem = this.needMore(buf.length - this.pos + 1);
      return null;
    }
    const digitsEnd = lineEnd - 1;
    if (digitsEnd < start || buf[digitsEnd] !== CR) {
      this.problem = this.fail(`invalid ${kind === 'mbulk' ? 'multibulk' : 'bulk'} length`);
      return null;
    }
    let i = start;
    let negative = false;
    if (buf[i] === 45 /* - */) {
      negative = true;
      i++;
    }
    if (i === digitsEnd || digitsEnd - i > 15) {
      this.problem = this.fail(`invalid ${kind === 'mbulk' ? 'multibulk' : 'bulk'} length`);
      return null;
    }
    let n = 0;
    for (; i < digitsEnd; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) {
        this.problem = this.fail(`invalid ${kind === 'mbulk' ? 'multibulk' : 'bulk'} length`);
        return null;
      }
      n = n * 10 + d;
    }
    this.pos = lineEnd + 1;
    return negative ? -n : n;
  }

  /** A command typed as one line (`redis-cli` in a pipe, telnet): words split like Redis does. */
  private inline(): ParseResult | typeof SKIP {
    const buf = this.buf;
    const lineEnd = buf.indexOf(LF, this.pos);
    if (lineEnd === -1) {
      if (buf.length - this.pos > this.limits.maxInlineBytes) return this.fail('too big inline request');
      return this.needMore(buf.length - this.pos + 1);
    }
    if (lineEnd - this.pos > this.limits.maxInlineBytes) return this.fail('too big inline request');
    const textEnd = lineEnd > this.pos && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    const line = buf.toString('utf8', this.pos, textEnd);
    const lineValid = !line.includes('\uFFFD') || isUtf8(buf.subarray(this.pos, textEnd));
    this.pos = lineEnd + 1;
    const args = splitInlineArgs(line);
    if (args === null) return this.fail('unbalanced quotes in request');
    const words = args.words;
    const max = this.authenticated ? this.limits.maxArrayLength : UNAUTHENTICATED_LIMITS.maxArrayLength;
    if (words.length > max) return this.fail(this.authenticated ? 'invalid multibulk length' : 'unauthenticated multibulk length');
    this.compact();
    // An empty line is no command (Redis reads it as a keep-alive).
    if (words.length === 0) return SKIP;
    for (let i = 0; i < words.length; i++) this.argv[i] = words[i];
    this.argc = words.length;
    this.invalidUtf8 = !lineValid || args.invalidUtf8;
    return ParseResult.Command;
  }

  private addArg(start: number, end: number): void {
    if (this.argc === 0 && end - start <= NAME_BYTES) {
      this.argv[this.argc++] = this.commandName(start, end);
      return;
    }
    this.argv[this.argc++] = this.decode(start, end);
  }

  /** The argument's text; marks the command when its bytes are not valid UTF-8. */
  private decode(start: number, end: number): string {
    const buf = this.buf;
    const length = end - start;
    if (length <= SHORT_ARG_BYTES) {
      // Short arguments (names, keys, small values) are mostly ASCII: copied byte by byte and
      // made a string in JS, half the cost of Node's native decoding and the look for U+FFFD
      // after it; the first byte over 0x7f sends the argument the general way.
      const codes = CODE_ARRAYS[length];
      let i = 0;
      while (i < length) {
        const byte = buf[start + i];
        if (byte > 0x7f) break;
        codes[i++] = byte;
      }
      if (i === length) return String.fromCharCode.apply(null, codes);
    }
    // No encoding argument is UTF-8, and Node decodes it directly instead of looking up the
    // encoding's functions first: a few % of a pipelined SET.
    const s = buf.toString(undefined, start, end);
    // U+FFFD in the decoded text is either a real U+FFFD or a replaced invalid sequence.
    if (s.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) this.invalidUtf8 = true;
    return s;
  }

  /**
   * A command's name: a client sends the same few names again and again, so the last one is
   * kept with its bytes and reused when they match, instead of decoding a new string each time.
   */
  private commandName(start: number, end: number): string {
    const buf = this.buf;
    const len = end - start;
    const bytes = this.nameBytes;
    if (len === this.nameLength) {
      let i = 0;
      while (i < len && buf[start + i] === bytes[i]) i++;
      if (i === len) return this.name;
    }
    // The name is the command's first argument: invalidUtf8 is still false unless these bytes set it.
    const s = this.decode(start, end);
    if (this.invalidUtf8) return s;
    for (let i = 0; i < len; i++) bytes[i] = buf[start + i];
    this.nameLength = len;
    this.name = s;
    return s;
  }

  private needMore(bytesFromPos: number): ParseResult {
    this.need = bytesFromPos;
    this.compact();
    return ParseResult.NeedMore;
  }

  /** Drops consumed bytes once they are most of the buffer, so a long-lived buffer does not pin old chunks. */
  private compact(): void {
    if (this.pos === this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    } else if (this.pos > 0 && this.pos > this.buf.length >>> 1 && this.buf.length > 64 * 1024) {
      this.buf = Buffer.from(this.buf.subarray(this.pos));
      this.pos = 0;
    }
  }

  private fail(reason: string): ParseResult {
    this.error = `Protocol error: ${reason}`;
    this.buf = EMPTY;
    this.pos = 0;
    this.parked = [];
    this.parkedBytes = 0;
    this.remaining = 0;
    return ParseResult.Error;
  }
}

const EMPTY = Buffer.alloc(0);
