import * as fs from 'node:fs';
import { encodeRecord } from '@meshcache/sync-node';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** Why the log could not take a record: the errno code (`ENOSPC`, `EIO`...) and its message. */
export interface DiskFault {
  readonly code: string;
  readonly message: string;
}

export type AppendResult = { ok: true } | { ok: false; fault: DiskFault };

/** Told, after an fsync of `path` returned, how many bytes of it that fsync made durable. */
export type DurableListener = (path: string, bytes: number) => void;

/** The synchronous file calls the writer makes; tests inject failing ones. */
export interface LogFileIo {
  writeSync(fd: number, buffer: Uint8Array, offset: number): number;
  fdatasyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  fdatasync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
}

const nodeIo: LogFileIo = {
  writeSync: (fd, buffer, offset) => fs.writeSync(fd, buffer, offset),
  fdatasyncSync: fs.fdatasyncSync,
  ftruncateSync: fs.ftruncateSync,
  fdatasync: fs.fdatasync,
};

export const faultOf = (error: unknown): DiskFault => {
  const e = error as NodeJS.ErrnoException;
  return { code: typeof e?.code === 'string' ? e.code : 'EIO', message: e instanceof Error ? e.message : String(error) };
};

/**
 * Appends records to one log file. A record counts as logged only once every byte of it was
 * written (and, with `always`, fsynced): a short or failed write is cut off again, so the file
 * never holds a torn record that the next one would glue itself to. `fsync` decides what
 * survives a power loss, as Redis's appendfsync does: `always` per record, `everysec` once a
 * second, `no` when the OS flushes; a `kill -9` never loses a logged record (the OS has it).
 */
export class OpLogWriter {
  private fd: number;
  /** Bytes of complete records: where a failed append is cut back to. */
  private size: number;
  private dirty = false;
  private syncing = false;
  /** A failed append that could not be cut back: this file takes no more records. */
  private broken: DiskFault | undefined;
  private closedCleanly = false;
  private timer: NodeJS.Timeout | undefined;
  count = 0;

  constructor(
    readonly path: string,
    private readonly policy: FsyncPolicy,
    /** A background fsync (`everysec`) failed: records since the last one may not be durable. */
    private readonly onSyncFault: (fault: DiskFault) => void = () => undefined,
    private readonly io: LogFileIo = nodeIo,
    /** Hears every completed fsync (the chaos harness emulates a power cut from it: FSYNC_TRACE_FILE). */
    private readonly onDurable: DurableListener = () => undefined,
  ) {
    this.fd = fs.openSync(path, 'a');
    this.size = fs.fstatSync(this.fd).size;
    if (policy === 'everysec') {
      this.timer = setInterval(() => this.sync(), 1000);
      this.timer.unref();
    }
  }

  get bytes(): number {
    return this.size;
  }

  append(record: unknown): AppendResult {
    if (this.broken) return { ok: false, fault: this.broken };
    const bytes = Buffer.from(encodeRecord(record));
    const fault = this.writeAll(bytes);
    if (fault) {
      this.cutBack(fault);
      return { ok: false, fault };
    }
    this.size += bytes.length;
    this.count++;
    if (this.policy === 'always') this.onDurable(this.path, this.size);
    else this.dirty = true;
    return { ok: true };
  }

  /** Resolves once every record appended so far is fsynced (for a write that asked for it). */
  flush(): Promise<AppendResult> {
    if (this.fd < 0) return Promise.resolve({ ok: false, fault: { code: 'EBADF', message: 'log closed' } });
    this.dirty = false;
    // What the fsync covers: the bytes written before it started (later ones may or may not be).
    const upTo = this.size;
    return new Promise((resolve) =>
      this.io.fdatasync(this.fd, (error) => {
        if (!error) this.onDurable(this.path, upTo);
        // Closed meanwhile: close() fsynced everything before it let go of the descriptor.
        if (!error || this.closedCleanly) return resolve({ ok: true });
        const fault = faultOf(error);
        this.onSyncFault(fault);
        resolve({ ok: false, fault });
      }),
    );
  }

  /** Writes every byte (a short write is followed by another: a full disk then says ENOSPC). */
  private writeAll(bytes: Buffer): DiskFault | undefined {
    try {
      let offset = 0;
      while (offset < bytes.length) {
        const written = this.io.writeSync(this.fd, bytes, offset);
        if (written <= 0) return { code: 'ENOSPC', message: `write of ${bytes.length} bytes stopped after ${offset}` };
        offset += written;
      }
      if (this.policy === 'always') this.io.fdatasyncSync(this.fd);
      return undefined;
    } catch (error) {
      return faultOf(error);
    }
  }

  private cutBack(fault: DiskFault): void {
    try {
      this.io.ftruncateSync(this.fd, this.size);
    } catch {
      this.broken = fault;
    }
  }

  /** `everysec` flushes on libuv's thread pool, off the event loop (Redis uses a background thread). */
  private sync(): void {
    if (!this.dirty || this.fd < 0 || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    const upTo = this.size;
    this.io.fdatasync(this.fd, (error) => {
      this.syncing = false;
      if (error) this.onSyncFault(faultOf(error));
      else this.onDurable(this.path, upTo);
    });
  }

  /**
   * Takes no more records, fsyncs on libuv's thread pool and then closes: for a log that a
   * snapshot rotated out. A synchronous fsync here held the event loop for as long as the disk
   * took to flush up to a second of records (16 ms typical, over 100 ms on a busy disk, at
   * every snapshot). A failing fsync is reported, the descriptor is closed anyway.
   */
  retire(): Promise<AppendResult> {
    if (this.fd < 0) return Promise.resolve({ ok: true });
    if (this.timer) clearInterval(this.timer);
    const fd = this.fd;
    this.fd = -1;
    this.broken ??= { code: 'ECLOSED', message: `${this.path} was rotated out` };
    return new Promise((resolve) =>
      this.io.fdatasync(fd, (error) => {
        fs.close(fd, () => undefined);
        this.closedCleanly = !error;
        if (!error) this.onDurable(this.path, this.size);
        resolve(error ? { ok: false, fault: faultOf(error) } : { ok: true });
      }),
    );
  }

  /** Fsyncs and closes; a failing fsync is reported, the descriptor is closed anyway. */
  close(): AppendResult {
    if (this.fd < 0) return { ok: true };
    if (this.timer) clearInterval(this.timer);
    let result: AppendResult = { ok: true };
    try {
      this.io.fdatasyncSync(this.fd);
    } catch (error) {
      result = { ok: false, fault: faultOf(error) };
    }
    fs.closeSync(this.fd);
    this.fd = -1;
    this.closedCleanly = result.ok;
    if (result.ok) this.onDurable(this.path, this.size);
    return result;
  }
}
