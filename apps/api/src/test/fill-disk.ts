import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Takes every free byte of the file system with one file; returns its path. */
export const fillDisk = (dir: string): string => {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (let i = 0; i < 100_000; i++) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // Small pieces into the last partial page, so a log record can be written short.
  try {
    for (let i = 0; i < 4096; i++) writeSync(fd, chunk, 0, 1);
  } catch {
    // full
  } finally {
    closeSync(fd);
  }
  return path;
};
