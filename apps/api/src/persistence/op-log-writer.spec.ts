import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpLogWriter, type FsyncPolicy, type LogFileIo } from './op-log-writer.js';
import { decodeLog } from '@meshcache/sync-node';

/** Real file calls, except that while `full` is set a write takes `room` bytes at most, then fails with ENOSPC. */
const fillingDisk = () => {
  const disk = { full: false, room: 7 };
  const io: LogFileIo = {
    writeSync: (fd, buffer, offset) => {
      if (!disk.full) return fs.writeSync(fd, buffer, offset);
      if (disk.room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = fs.writeSync(fd, buffer, offset, Math.min(disk.room, buffer.length - offset));
      disk.room -= n;
      return n;
    },
    fdatasyncSync: fs.fdatasyncSync,
    ftruncateSync: fs.ftruncateSync,
    fdatasync: fs.fdatasync,
  };
  return { disk, io };
};

describe('OpLogWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshcache-oplog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['always', 'everysec', 'no'] as FsyncPolicy[])('with fsync %s, every appended record is in the file before append returns', (policy) => {
    const path = join(dir, `${policy}.log`);
    const writer = new OpLogWriter(path, policy);
    expect(writer.append({ n: 1 })).toEqual({ ok: true });
    writer.append({ key: '__proto__', value: 'line\nbreak' });
    // Read while still open: what a kill -9 at this point would leave behind.
    expect(decodeLog(readFileSync(path, 'utf8'), policy)).toEqual({ records: [{ n: 1 }, { key: '__proto__', value: 'line\nbreak' }], warnings: [], corrupt: 0 });
    expect(writer.count).toBe(2);
    writer.close();
    writer.close();
  });

  it('reports a short write on a full disk as a failure and cuts the torn bytes off, so the next record stays readable', () => {
    const path = join(dir, 'full.log');
    const { disk, io } = fillingDisk();
    const writer = new OpLogWriter(path, 'always', undefined, io);
    expect(writer.append({ n: 1 })).toEqual({ ok: true });
    disk.full = true;
    expect(writer.append({ n: 2, pad: 'x'.repeat(100) })).toEqual({ ok: false, fault: { code: 'ENOSPC', message: expect.stringMatching(/no space/) } });
    expect(writer.count).toBe(1);
    disk.full = false;
    expect(writer.append({ n: 3 })).toEqual({ ok: true });
    writer.close();
    // Without the cut-back, record 3 would be glued to the torn half of record 2 and be lost with it.
    expect(decodeLog(readFileSync(path, 'utf8'), 'full.log')).toEqual({ records: [{ n: 1 }, { n: 3 }], warnings: [], corrupt: 0 });
  });

  it('flush() resolves once the records are fsynced, and reports a failing fsync', async () => {
    const failing: LogFileIo = { ...fillingDisk().io, fdatasync: (_fd, cb) => cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) };
    const faults: string[] = [];
    const writer = new OpLogWriter(join(dir, 'flush.log'), 'no', (f) => faults.push(f.code), failing);
    writer.append({ n: 1 });
    expect(await writer.flush()).toEqual({ ok: false, fault: { code: 'EIO', message: 'EIO: i/o error, fdatasync' } });
    expect(faults).toEqual(['EIO']);
    writer.close();
    const good = new OpLogWriter(join(dir, 'flush-ok.log'), 'no');
    good.append({ n: 1 });
    expect(await good.flush()).toEqual({ ok: true });
    good.close();
  });

  it('tells how many bytes each completed fsync made durable, never the records appended while it ran', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const pending: Array<(error: NodeJS.ErrnoException | null) => void> = [];
      const io: LogFileIo = { ...fillingDisk().io, fdatasync: (_fd, cb) => pending.push(cb) };
      const durable: Array<[string, number]> = [];
      const path = join(dir, 'durable.log');
      const writer = new OpLogWriter(path, 'everysec', undefined, io, (file, bytes) => durable.push([file, bytes]));
      writer.append({ n: 1 });
      const first = writer.bytes;
      jest.advanceTimersByTime(1000);
      expect(pending).toHaveLength(1);
      // Written while the background fsync runs: a power cut now may take it.
      writer.append({ n: 2 });
      pending.shift()?.(null);
      expect(durable).toEqual([[path, first]]);
      const flushed = writer.flush();
      pending.shift()?.(null);
      await flushed;
      expect(durable.at(-1)).toEqual([path, writer.bytes]);
      // A failed fsync makes nothing durable.
      writer.append({ n: 3 });
      jest.advanceTimersByTime(1000);
      pending.shift()?.(Object.assign(new Error('EIO'), { code: 'EIO' }));
      expect(durable).toHaveLength(2);
      const retired = writer.retire();
      pending.shift()?.(null);
      await retired;
      expect(durable.at(-1)).toEqual([path, writer.bytes]);
    } finally {
      jest.useRealTimers();
    }
    const always: number[] = [];
    const synced = new OpLogWriter(join(dir, 'durable-always.log'), 'always', undefined, undefined, (_f, bytes) => always.push(bytes));
    synced.append({ n: 1 });
    synced.append({ n: 2 });
    expect(always).toEqual([always[0], synced.bytes]);
    synced.close();
  });
});
