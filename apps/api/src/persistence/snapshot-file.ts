import { open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `data` so that `path` holds either the old or the new content after any crash: write a
 * temporary file, fsync it, rename it over the target, fsync the directory (so the rename
 * itself is durable).
 */
export const writeFileAtomic = async (path: string, data: string): Promise<void> => {
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(data);
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

export const readFileIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};
