import { crc32 } from 'node:zlib';
import { writeChunks } from './snapshot-file.js';

/** A file that takes at most `max` bytes per write call and keeps a copy of every byte. */
const shortWritingFile = (max: number) => {
  const parts: Buffer[] = [];
  const sizes: number[] = [];
  return {
    parts,
    sizes,
    file: {
      write: async (buffer: Buffer, offset = 0, length = buffer.length - offset) => {
        const n = Math.min(max, length);
        parts.push(Buffer.from(buffer.subarray(offset, offset + n)));
        sizes.push(n);
        return { bytesWritten: n, buffer };
      },
    },
  };
};

async function* from(pieces: readonly string[]) {
  yield* pieces;
}

describe('writeChunks', () => {
  it('writes every byte of every piece, continuing short writes, with the checksum of what was written', async () => {
    const pieces = ['{"a":', '"é€😀"', ',"big":"', 'x'.repeat(600_000), '"}', ...Array.from({ length: 2000 }, (_, i) => `,${i}`)];
    const text = pieces.join('');
    const { file, parts } = shortWritingFile(100_000);
    const written = await writeChunks(file as never, from(pieces));
    const bytes = Buffer.concat(parts);
    expect(bytes.toString('utf8')).toBe(text);
    expect(written).toEqual({ crc: crc32(Buffer.from(text)), length: Buffer.byteLength(text) });
  });

  it('encodes the pieces as they come into writes of at most 1 MiB, a larger piece on its own', async () => {
    const pieces = Array.from({ length: 300 }, (_, i) => `${i}`.padEnd(20_000, 'y'));
    const { file, sizes } = shortWritingFile(Number.MAX_SAFE_INTEGER);
    await writeChunks(file as never, from([...pieces, 'z'.repeat(2_000_000)]));
    expect(sizes.slice(0, -1).every((n) => n <= 1 << 20)).toBe(true);
    expect(sizes.at(-1)).toBe(2_000_000);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(300 * 20_000 + 2_000_000);
  });

  it('fails instead of looping when the file takes no byte', async () => {
    const { file } = shortWritingFile(0);
    await expect(writeChunks(file as never, from(['abc']))).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
