import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { encodeCommand } from '../test/raw-client.js';
import { ParseResult, RequestParser } from './request-parser.js';

// Property runs take seconds on an idle machine and many more on a loaded 2-core one.
jest.setTimeout(120_000);

const LIMITS = { maxBulkBytes: 1024, maxArrayLength: 64, maxInlineBytes: 256, maxCommandBytes: 1 << 30 };

/** Feeds `chunks` and collects every command (or the protocol error) the parser reports. */
const parseAll = (chunks: Buffer[], parser = new RequestParser(LIMITS)): { commands: string[][]; error?: string } => {
  const commands: string[][] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    // Each call either consumes bytes or stops: bounded by the bytes pushed so far (+1).
    for (let guard = 0; guard <= chunk.length + 1; guard++) {
      const r = parser.next();
      if (r === ParseResult.NeedMore) break;
      if (r === ParseResult.Error) return { commands, error: parser.error };
      commands.push(parser.argv.slice(0, parser.argc));
      if (guard === chunk.length + 1) throw new TypeError('parser did not stop');
    }
  }
  return { commands };
};

const argArb = fc.string({ unit: 'grapheme', maxLength: 12 });
const commandArb = fc.array(argArb, { minLength: 1, maxLength: 6 });

describe('RequestParser', () => {
  it('parses multibulk and inline commands, skipping empty lines and *0', () => {
    const wire = Buffer.concat([encodeCommand('SET', 'k', 'a b\r\nc'), Buffer.from('*0\r\n\r\nPING\r\n  get  "x y" \'z\'\n'), encodeCommand('GET', '')]);
    expect(parseAll([wire])).toEqual({ commands: [['SET', 'k', 'a b\r\nc'], ['PING'], ['get', 'x y', 'z'], ['GET', '']] });
  });

  it('gives the same commands whatever byte boundaries the stream is split at', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 5 }), (commands) => {
        const wire = Buffer.concat(commands.map((c) => encodeCommand(...c)));
        for (let cut = 0; cut <= wire.length; cut++) {
          expect(parseAll([wire.subarray(0, cut), wire.subarray(cut)]).commands).toEqual(commands);
        }
        const bytes = Array.from({ length: wire.length }, (_, i) => wire.subarray(i, i + 1));
        expect(parseAll(bytes).commands).toEqual(commands);
      }),
      { numRuns: 40 },
    );
  });

  it('never throws or loops on random bytes, split anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const result = parseAll(chunks.map((c) => Buffer.from(c)));
        if (result.error !== undefined) expect(result.error).toMatch(/^Protocol error: /);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid streams', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (commands, at, byte) => {
        const wire = Buffer.from(Buffer.concat(commands.map((c) => encodeCommand(...c))));
        wire[at % wire.length] = byte;
        parseAll([wire]);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['*1\r\n$2000\r\n', 'Protocol error: invalid bulk length'],
    ['*100\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*x\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n:1\r\n', "Protocol error: expected '$', got ':'"],
    ['*1\r\n$1\r\nab\r\n', 'Protocol error: invalid bulk terminator'],
    ['SET "a\r\n', 'Protocol error: unbalanced quotes in request'],
    ['x'.repeat(300), 'Protocol error: too big inline request'],
    ['*' + '1'.repeat(300), 'Protocol error: too big mbulk count string'],
  ])('rejects %j', (wire, error) => {
    expect(parseAll([Buffer.from(wire)]).error).toBe(error);
  });

  it('applies tighter limits before authentication', () => {
    const parser = new RequestParser({ ...LIMITS, maxArrayLength: 1000, maxBulkBytes: 1 << 20 });
    parser.authenticated = false;
    expect(parseAll([Buffer.from('*11\r\n')], parser).error).toBe('Protocol error: unauthenticated multibulk length');
    const other = new RequestParser({ ...LIMITS, maxBulkBytes: 1 << 20 });
    other.authenticated = false;
    expect(parseAll([Buffer.from('*1\r\n$20000\r\n')], other).error).toBe('Protocol error: unauthenticated bulk length');
  });

  it('flags arguments that are not valid UTF-8 and keeps real U+FFFD', () => {
    const parser = new RequestParser(LIMITS);
    parser.push(encodeCommand('SET', 'k', Buffer.from([0xff, 0xfe])));
    expect(parser.next()).toBe(ParseResult.Command);
    expect(parser.invalidUtf8).toBe(true);
    parser.push(encodeCommand('SET', 'k', '\uFFFD ok'));
    expect(parser.next()).toBe(ParseResult.Command);
    expect(parser.invalidUtf8).toBe(false);
    expect(parser.argv[2]).toBe('\uFFFD ok');
  });

  it('decodes any argument bytes as UTF-8 does, ASCII or not, short or long, and flags exactly the invalid ones', () => {
    // Mostly ASCII with some high bytes, around the length up to which bytes are scanned first.
    const byteArb = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 0x7f }) }, { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) });
    const argBytes = fc.oneof(fc.uint8Array({ maxLength: 70 }), fc.array(byteArb, { maxLength: 70 }).map((bytes) => Uint8Array.from(bytes)));
    fc.assert(
      fc.property(fc.array(argBytes, { minLength: 1, maxLength: 4 }), (args) => {
        const buffers = args.map((a) => Buffer.from(a));
        const parser = new RequestParser({ ...LIMITS, maxBulkBytes: 1024 });
        parser.push(encodeCommand('SET', ...buffers));
        expect(parser.next()).toBe(ParseResult.Command);
        expect(parser.argv.slice(1, parser.argc)).toEqual(buffers.map((b) => b.toString('utf8')));
        expect(parser.invalidUtf8).toBe(!buffers.every((b) => isUtf8(b)));
      }),
      { numRuns: 1000 },
    );
  });

  it('takes a header line up to maxInlineBytes, whole or in pieces, and refuses one byte more', () => {
    // From '*' to its LF the line spans 256 bytes (LIMITS.maxInlineBytes) after '*', then 257.
    const line = (pad: number) => Buffer.from('*1' + ' '.repeat(pad) + '\r\n');
    expect(parseAll([line(253)]).error).toBe('Protocol error: invalid multibulk length');
    expect(parseAll([line(254)]).error).toBe('Protocol error: too big mbulk count string');
    const open = line(254).subarray(0, 257);
    expect(parseAll([open.subarray(0, 200), open.subarray(200, 256)])).toEqual({ commands: [] });
    expect(parseAll([open.subarray(0, 200), open.subarray(200)]).error).toBe('Protocol error: too big mbulk count string');
  });

  it('reuses a command name only for the same bytes, and never one that is not UTF-8', () => {
    const names: (string | Buffer)[] = ['SET', 'SET', 'GET', 'get', 'SET', Buffer.from([0xff, 0x41, 0x42]), Buffer.from([0xff, 0x41, 0x42]), 'x'.repeat(30), 'x'.repeat(30), 'y'.repeat(30), 'SE', 'SET'];
    const parser = new RequestParser(LIMITS);
    const seen = names.map((name) => {
      parser.push(encodeCommand(name, 'k'));
      expect(parser.next()).toBe(ParseResult.Command);
      return [parser.argv[0], parser.invalidUtf8];
    });
    expect(seen).toEqual(names.map((name) => [name.toString(), typeof name !== 'string']));
  });

  it('gathers a large bulk string sent in many chunks', () => {
    const big = 'x'.repeat(1000);
    const wire = encodeCommand('SET', 'k', big);
    const chunks = Array.from({ length: Math.ceil(wire.length / 7) }, (_, i) => wire.subarray(i * 7, i * 7 + 7));
    expect(parseAll(chunks).commands).toEqual([['SET', 'k', big]]);
  });
});
