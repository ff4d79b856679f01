import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { encodeRecord } from './record-codec.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/**
 * Appends records to one log file. Each record is written with one synchronous write, so a
 * `kill -9` never loses an acknowledged operation (the OS has it); `fsync` decides what survives
 * a power loss, as Redis's appendfsync does: `always` per record, `everysec` once a second,
 * `no` when the OS flushes.
 */
export class OpLogWriter {
  private fd: number;
  private dirty = false;
  private syncing = false;
  private timer: NodeJS.Timeout | undefined;
  count = 0;

  constructor(
    readonly path: string,
    private readonly policy: FsyncPolicy,
  ) {
    this.fd = openSync(path, 'a');
    if (policy === 'everysec') {
      this.timer = setInterval(() => this.sync(), 1000);
      this.timer.unref();
    }
  }

  append(record: unknown): void {
    writeSync(this.fd, encodeRecord(record));
    this.count++;
    if (this.policy === 'always') fdatasyncSync(this.fd);
    else this.dirty = true;
  }

  /** `everysec` flushes on libuv's thread pool, off the event loop (Redis uses a background thread). */
  private sync(): void {
    if (!this.dirty || this.fd < 0 || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    fdatasync(this.fd, () => {
      this.syncing = false;
    });
  }

  close(): void {
    if (this.fd < 0) return;
    if (this.timer) clearInterval(this.timer);
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
