import { createReadStream } from 'node:fs';
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * A snapshot file is JSON text followed by one trailer line, `#crc32 <8 hex> <byte length>`, so a
 * truncated or bit-flipped file is told from a good one before anything trusts it.
 */
const TRAILER = /\n#crc32 ([0-9a-f]{8}) (\d+)\n$/;
const trailer = (crc: number, length: number) => `\n#crc32 ${crc.toString(16).padStart(8, '0')} ${length}\n`;

export type SnapshotRead = { kind: 'missing' } | { kind: 'corrupt'; reason: string } | { kind: 'ok'; value: unknown };

/** Reads a snapshot file and checks it; files from before the trailer existed are accepted if they parse. */
export const readSnapshotFile = async (path: string): Promise<SnapshotRead> => {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: (error as Error).message };
  }
  const text = raw.toString('utf8');
  const found = TRAILER.exec(text);
  let json = text;
  if (found) {
    json = text.slice(0, found.index);
    const length = Buffer.byteLength(json);
    if (length !== Number(found[2])) return { kind: 'corrupt', reason: `length ${length} bytes, trailer says ${found[2]}` };
    if (crc32(json) !== Number.parseInt(found[1], 16)) return { kind: 'corrupt', reason: 'checksum mismatch' };
  }
  try {
    return { kind: 'ok', value: JSON.parse(json) };
  } catch (error) {
    return { kind: 'corrupt', reason: (error as Error).message };
  }
};

/**
 * Writes the pieces of a snapshot to a temporary file beside `dir`'s snapshots with its
 * trailer, fsyncs it, reads it back and checks the checksum; answers the temporary path, which
 * the caller renames into place. On any failure the temporary file is removed (a full disk must
 * not keep a half snapshot) and the error is thrown.
 */
export const writeVerifiedTemp = async (dir: string, chunks: AsyncIterable<string>): Promise<string> => {
  const tmp = join(dir, `.snapshot.${process.pid}.${Date.now()}.tmp`);
  try {
    const file = await open(tmp, 'w');
    let written: { crc: number; length: number };
    try {
      written = await writeChunks(file, chunks);
      await file.write(trailer(written.crc, written.length));
      await file.sync();
    } finally {
      await file.close();
    }
    const read = await checksumOf(tmp, written.length);
    if (read.crc !== written.crc || read.length !== written.length) {
      throw Object.assign(new Error(`snapshot read back differs from what was written (${read.length}/${written.length} bytes)`), { code: 'EIO' });
    }
    return tmp;
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
};

/** Makes renames in `dir` durable. */
export const syncDir = async (path: string): Promise<void> => {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
};

/** Bytes per write of a snapshot: room for any slice's piece (a few hundred KB of text at most). */
const WRITE_BYTES = 1 << 20;
/** Bytes per read when the written snapshot is checked. */
const READ_BYTES = 256 * 1024;

/**
 * Encodes the pieces into one reused buffer and writes it out whenever the next piece might not
 * fit, with the running checksum and byte length. Each piece is encoded as soon as it arrives, so
 * no text outlives the slice that produced it: gathering ~1 MB of pieces into one string kept
 * them alive across many turns of the event loop (promoted to the old generation, then
 * collected by mark-compacts during the soak) and flattened and encoded the whole string in one step.
 */
export const writeChunks = async (file: Pick<FileHandle, 'write'>, chunks: AsyncIterable<string>): Promise<{ crc: number; length: number }> => {
  const buffer = Buffer.allocUnsafe(WRITE_BYTES);
  let used = 0;
  let crc = 0;
  let length = 0;
  const out = async (bytes: Buffer) => {
    crc = crc32(bytes, crc);
    length += bytes.length;
    for (let offset = 0; offset < bytes.length; ) {
      const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
      if (bytesWritten <= 0) throw Object.assign(new Error(`snapshot write stopped after ${length - bytes.length + offset} bytes`), { code: 'ENOSPC' });
      offset += bytesWritten;
    }
  };
  for await (const chunk of chunks) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a piece that may not fit goes after a flush.
    if (used + 3 * chunk.length > WRITE_BYTES && used > 0) {
      await out(buffer.subarray(0, used));
      used = 0;
    }
    if (3 * chunk.length > WRITE_BYTES) await out(Buffer.from(chunk));
    else used += buffer.write(chunk, used);
  }
  if (used > 0) await out(buffer.subarray(0, used));
  return { crc, length };
};

/** Checksum of the first `length` bytes, read in pieces so a large file never holds the event loop. */
const checksumOf = async (path: string, length: number): Promise<{ crc: number; length: number }> => {
  let crc = 0;
  let seen = 0;
  for await (const piece of createReadStream(path, { start: 0, end: Math.max(0, length - 1), highWaterMark: READ_BYTES })) {
    crc = crc32(piece as Buffer, crc);
    seen += (piece as Buffer).length;
  }
  return { crc, length: length === 0 ? 0 : seen };
};
