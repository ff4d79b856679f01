import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `data` so that `path` holds either the old or the new content after any crash: write a
 * temporary file, fsync it, rename it over the target, fsync the directory (so the rename
 * itself is durable).
 */
export const writeFileAtomic = async (path: string, data: string | AsyncIterable<string>): Promise<void> => {
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  const file = await open(tmp, 'w');
  try {
    if (typeof data === 'string') await file.writeFile(data);
    else await writeChunks(file, data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
};

/** Coalesces small pieces into ~1 MB writes. */
const writeChunks = async (file: FileHandle, chunks: AsyncIterable<string>): Promise<void> => {
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 1 << 20) {
      await file.write(buffer);
      buffer = '';
    }
  }
  if (buffer) await file.write(buffer);
};

export const readFileIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};
