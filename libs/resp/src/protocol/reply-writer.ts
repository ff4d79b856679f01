/** RESP protocol version a connection speaks: 2 until it says `HELLO 3`. */
export type Protover = 2 | 3;

/** Error lines may not break the framing: Redis maps CR and LF in them to spaces too. */
const sanitize = (text: string): string => (text.includes('\r') || text.includes('\n') ? text.replace(/[\r\n]/g, ' ') : text);

/**
 * Encodes replies for one connection into a pending string, written to the socket once per
 * batch of commands. RESP3-only types (null, map, set, double, boolean) fall back to their
 * RESP2 shapes when the connection speaks RESP2, so command code writes each reply once.
 */
export class ReplyWriter {
  protover: Protover = 2;
  /** Encoded replies not yet written. */
  out = '';

  take(): string {
    const s = this.out;
    this.out = '';
    return s;
  }

  ok(): void {
    this.out += '+OK\r\n';
  }

  simple(text: string): void {
    this.out += '+' + text + '\r\n';
  }

  /** `text` starts with the error code: `ERR ...`, `WRONGPASS ...`. */
  error(text: string): void {
    this.out += '-' + sanitize(text) + '\r\n';
  }

  integer(n: number | bigint): void {
    this.out += ':' + n + '\r\n';
  }

  bulk(text: string): void {
    this.out += '$' + Buffer.byteLength(text) + '\r\n' + text + '\r\n';
  }

  bulkOrNull(text: string | undefined): void {
    if (text === undefined) this.null();
    else this.bulk(text);
  }

  /** The null reply: RESP3 `_`, RESP2 the null bulk string. */
  null(): void {
    this.out += this.protover === 3 ? '_\r\n' : '$-1\r\n';
  }

  /** A null where an array was expected (RESP2 `*-1`). */
  nullArray(): void {
    this.out += this.protover === 3 ? '_\r\n' : '*-1\r\n';
  }

  array(length: number): void {
    this.out += '*' + length + '\r\n';
  }

  /** A map of `pairs` entries: RESP3 `%`, RESP2 a flat array of keys and values. */
  map(pairs: number): void {
    this.out += this.protover === 3 ? '%' + pairs + '\r\n' : '*' + pairs * 2 + '\r\n';
  }

  /** A set: RESP3 `~`, RESP2 an array. */
  set(length: number): void {
    this.out += (this.protover === 3 ? '~' : '*') + length + '\r\n';
  }

  bulkArray(items: readonly string[]): void {
    this.array(items.length);
    for (const item of items) this.bulk(item);
  }
}
