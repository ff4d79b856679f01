import { open, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskFault } from './op-log-writer.js';

/** Writable, or read-only since `since` because of `fault` (the first write the disk refused). */
export type DiskState = { writable: true; since: number } | { writable: false; since: number; fault: DiskFault };

/** Free space the disk must show before writes are taken again, so the node does not flap at the edge. */
const MIN_FREE_BYTES = 256 * 1024;
/** Size of the test write: a few records' worth, fsynced. */
const PROBE_BYTES = 16 * 1024;

/**
 * Holds the writable/read-only state of a data directory. `fail` turns it read-only (Redis
 * stops accepting writes on a failed background save the same way); from then on it tests the
 * disk every `intervalMs` (free space, then a real write + fsync of a scratch file) and, once the
 * disk takes writes, lets the owner `reopen` its files and turns writable again.
 */
export class DiskProbe {
  private current: DiskState = { writable: true, since: Date.now() };
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly dir: string,
    private readonly intervalMs: number,
    private readonly reopen: () => void,
    private readonly changed: (state: DiskState) => void,
  ) {}

  get state(): DiskState {
    return this.current;
  }

  fail(fault: DiskFault): void {
    if (!this.current.writable) return;
    this.current = { writable: false, since: Date.now(), fault };
    this.changed(this.current);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    try {
      const fs = await statfs(this.dir);
      const free = fs.bavail * fs.bsize;
      if (free < MIN_FREE_BYTES) return this.schedule();
      await writeScratch(join(this.dir, '.disk-probe'));
      if (this.stopped) return;
      this.reopen();
    } catch {
      return this.schedule();
    }
    this.current = { writable: true, since: Date.now() };
    this.changed(this.current);
  }
}

const writeScratch = async (path: string): Promise<void> => {
  const file = await open(path, 'w');
  try {
    await file.write(Buffer.alloc(PROBE_BYTES, 0x20));
    await file.sync();
  } finally {
    await file.close();
    await unlink(path).catch(() => undefined);
  }
};
