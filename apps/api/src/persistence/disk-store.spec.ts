import * as fs from 'node:fs';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiskState } from './disk-probe.js';
import { CorruptDataError, DiskStore, snapshotDelay } from './disk-store.js';
import type { LogFileIo } from './op-log-writer.js';
import { decodeLog, encodeRecord } from '@meshcache/sync-node';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshcache-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const options = (dir: string, warnings: string[] = []) => ({ dir, fsync: 'always' as const, snapshotIntervalMs: 60_000, snapshotAfterOps: 1000, warn: (m: string) => warnings.push(m) });

describe('record codec', () => {
  it('round-trips records and skips corrupt lines and a torn tail with warnings', () => {
    const good = [{ a: 1 }, { key: '__proto__', value: 'x\ny' }, null];
    const text = good.map(encodeRecord).join('') + '00000000 {"bad":1}\n' + 'garbage\n' + encodeRecord({ z: 2 }) + encodeRecord({ torn: true }).slice(0, 12);
    const decoded = decodeLog(text, 'ops-1.log');
    expect(decoded.records).toEqual([...good, { z: 2 }]);
    expect(decoded.warnings).toHaveLength(3);
    expect(decoded.warnings.join('\n')).toMatch(/checksum mismatch[\s\S]*malformed[\s\S]*torn record/);
  });
});

describe('snapshotDelay', () => {
  it('moves each period by up to 10 % either way, so nodes started together do not snapshot together', () => {
    expect(snapshotDelay(60_000, () => 0)).toBe(54_000);
    expect(snapshotDelay(60_000, () => 0.5)).toBe(60_000);
    expect(snapshotDelay(60_000, () => 0.999_999)).toBe(66_000);
    const delays = new Set(Array.from({ length: 50 }, () => snapshotDelay(60_000)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d >= 54_000 && d <= 66_000).toBe(true);
  });
});

describe('DiskStore', () => {
  it('restores the last snapshot plus the operations logged after it', async () => {
    const dir = freshDir();
    let state = { n: 0 };
    const first = new DiskStore(options(dir));
    expect(await first.load()).toEqual({ snapshot: undefined, ops: [], warnings: [] });
    await first.start(() => ({ ...state }));
    state = { n: 1 };
    first.append({ op: 1 });
    await first.snapshot();
    state = { n: 2 };
    first.append({ op: 2 });
    first.append({ op: 3 });
    // Simulates kill -9: no close(), the log stays as written.
    const second = new DiskStore(options(dir));
    const restored = await second.load();
    expect(restored.snapshot).toEqual({ n: 1 });
    expect(restored.ops).toEqual([{ op: 2 }, { op: 3 }]);
    // The previous snapshot generation and the logs since it stay until the next one is verified.
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(2);
    expect(readdirSync(dir).filter((f) => f.startsWith('snapshot'))).toEqual(['snapshot.json', 'snapshot.prev.json']);
  });

  it('keeps logs a failed snapshot would have replaced, and never crashes on a torn tail', async () => {
    const dir = freshDir();
    const store = new DiskStore(options(dir));
    await store.load();
    await store.start(() => ({ gen: 'a' }));
    store.append({ op: 'x' });
    const log = readdirSync(dir).find((f) => f.endsWith('.log'))!;
    appendFileSync(join(dir, log), '1234');
    const warnings: string[] = [];
    const restored = await new DiskStore(options(dir, warnings)).load();
    expect(restored.ops).toEqual([{ op: 'x' }]);
    expect(warnings.join()).toMatch(/torn record/);
  });

  it('skips a damaged record in the middle of a log, and keeps a copy of that log the next snapshot cannot delete', async () => {
    const dir = freshDir();
    const store = new DiskStore(options(dir));
    await store.load();
    await store.start(() => ({ gen: 'a' }));
    for (let i = 0; i < 3; i++) store.append({ op: i });
    // A crash: no final snapshot, the log is what is left.
    await store.flush();
    const log = readdirSync(dir).filter((f) => /^ops-\d+\.log$/.test(f)).sort().at(-1)!;
    const lines = readFileSync(join(dir, log), 'utf8').split('\n');
    lines[1] = lines[1].replace('"op":1', '"op":7');
    writeFileSync(join(dir, log), lines.join('\n'));
    const warnings: string[] = [];
    const reopened = new DiskStore(options(dir, warnings));
    const restored = await reopened.load();
    expect(restored.ops).toEqual([{ op: 0 }, { op: 2 }]);
    expect(warnings.join('\n')).toMatch(/checksum mismatch, record skipped[\s\S]*1 damaged record\(s\) skipped; the log is kept as ops-\d+\.log\.corrupt-/);
    await reopened.start(() => ({ gen: 'b' }));
    await reopened.snapshot();
    await reopened.close();
    const kept = readdirSync(dir).filter((f) => f.includes('.log.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]), 'utf8')).toBe(lines.join('\n'));
    expect(readdirSync(dir)).not.toContain(log);
  });

  it('refuses to start from damaged snapshots with nothing to fall back on, every time, until told to discard them; never overwrites them', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'snapshot.json'), '{"format":1,"gen');
    writeFileSync(join(dir, 'snapshot.prev.json'), 'garbage');
    writeFileSync(join(dir, 'ops-3.log'), encodeRecord({ op: 'kept' }));
    const before = readdirSync(dir).sort();
    // A process manager restarts a node that refused: the second start must refuse as well (the
    // first used to move both files aside, and the second started empty and said nothing).
    for (let start = 0; start < 2; start++) {
      const refused = new DiskStore(options(dir)).load();
      await expect(refused).rejects.toThrow(CorruptDataError);
      await expect(refused).rejects.toThrow(/no intact snapshot[\s\S]*--discard-corrupt-data/);
      expect(readdirSync(dir).sort()).toEqual(before);
    }
    const warnings: string[] = [];
    const restored = await new DiskStore({ ...options(dir, warnings), discardCorruptData: true }).load();
    expect(restored.snapshot).toBeUndefined();
    expect(restored.ops).toEqual([{ op: 'kept' }]);
    expect(warnings.join('\n')).toMatch(/damaged[\s\S]*discard-corrupt-data/);
    // Discarded means moved aside, never deleted.
    const aside = readdirSync(dir).filter((f) => f.includes('.corrupt-'));
    expect(aside).toHaveLength(2);
    expect(readFileSync(join(dir, aside.find((f) => f.startsWith('snapshot.json.'))!), 'utf8')).toBe('{"format":1,"gen');
  });

  it('restores from the previous snapshot plus the logs since it when the newest is damaged', async () => {
    const dir = freshDir();
    let state = { n: 0 };
    const store = new DiskStore(options(dir));
    await store.load();
    await store.start(() => ({ ...state }));
    store.append({ op: 1 });
    state = { n: 1 };
    await store.snapshot();
    store.append({ op: 2 });
    state = { n: 2 };
    await store.snapshot();
    store.append({ op: 3 });
    // A bit flip inside the newest snapshot: it still parses, only the checksum tells.
    const newest = readFileSync(join(dir, 'snapshot.json'), 'utf8');
    expect(newest).toContain('"n":2');
    writeFileSync(join(dir, 'snapshot.json'), newest.replace('"n":2', '"n":7'));
    const warnings: string[] = [];
    const restored = await new DiskStore(options(dir, warnings)).load();
    expect(restored.snapshot).toEqual({ n: 1 });
    expect(restored.ops).toEqual([{ op: 2 }, { op: 3 }]);
    expect(warnings.join('\n')).toMatch(/snapshot.json: damaged \(checksum mismatch\); moved aside/);
    expect(warnings.join('\n')).toMatch(/restoring from snapshot.prev.json/);
    expect(readdirSync(dir).some((f) => f.startsWith('snapshot.json.corrupt-'))).toBe(true);
  });

  it('turns read-only when the log cannot take a record, refuses appends, and recovers by itself', async () => {
    const dir = freshDir();
    const disk = { full: false };
    const logIo: LogFileIo = {
      writeSync: (fd, buffer, offset) => {
        if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return fs.writeSync(fd, buffer, offset);
      },
      fdatasyncSync: fs.fdatasyncSync,
      ftruncateSync: fs.ftruncateSync,
      fdatasync: fs.fdatasync,
    };
    const states: DiskState[] = [];
    const store = new DiskStore({ ...options(dir), logIo, probeIntervalMs: 20, onDiskState: (s) => states.push(s) });
    // The node's state: what was logged (and so applied).
    const applied: string[] = [];
    const log = (op: string) => {
      const result = store.append({ op });
      if (result.ok) applied.push(op);
      return result;
    };
    await store.load();
    await store.start(() => [...applied]);
    expect(log('a')).toEqual({ ok: true });
    disk.full = true;
    expect(log('b')).toMatchObject({ ok: false, fault: { code: 'ENOSPC' } });
    expect(store.status().disk).toMatchObject({ writable: false, fault: { code: 'ENOSPC' } });
    disk.full = false;
    // Refused without touching the disk until the probe says the disk is back.
    expect(log('c')).toMatchObject({ ok: false, fault: { code: 'ENOSPC' } });
    for (let i = 0; i < 500 && !store.status().disk.writable; i++) await new Promise((r) => setTimeout(r, 20));
    expect(states.map((s) => s.writable)).toEqual([false, true]);
    expect(log('d')).toEqual({ ok: true });
    // Kill -9 now, while the snapshot after the recovery may still be in flight, or after it.
    const restored = await new DiskStore(options(dir)).load();
    expect([...((restored.snapshot as string[] | undefined) ?? []), ...restored.ops.map((o) => (o as { op: string }).op)]).toEqual(['a', 'd']);
    // The first call may join the snapshot the recovery started, taken before 'd'.
    await store.snapshot();
    await store.snapshot();
    const compacted = await new DiskStore(options(dir)).load();
    expect(compacted).toMatchObject({ snapshot: ['a', 'd'], ops: [] });
    await store.close();
  });

  it('a snapshot rotates the log without a synchronous fsync on the event loop, and the old log is fsynced before it is closed', async () => {
    const dir = freshDir();
    const calls: string[] = [];
    const logIo: LogFileIo = {
      writeSync: (fd, buffer, offset) => fs.writeSync(fd, buffer, offset),
      fdatasyncSync: (fd) => {
        calls.push(`fdatasyncSync ${fd}`);
        fs.fdatasyncSync(fd);
      },
      ftruncateSync: fs.ftruncateSync,
      fdatasync: (fd, callback) => {
        calls.push(`fdatasync ${fd}`);
        fs.fdatasync(fd, callback);
      },
    };
    const state = { ops: [] as number[] };
    const store = new DiskStore({ ...options(dir), fsync: 'everysec', logIo });
    await store.load();
    await store.start(() => ({ ops: [...state.ops] }));
    for (const op of [1, 2, 3]) {
      expect(store.append({ op })).toEqual({ ok: true });
      state.ops.push(op);
    }
    calls.length = 0;
    const snapshot = store.snapshot();
    // The rotation itself (the synchronous part of snapshot()) only asked the thread pool.
    expect(calls).toEqual([expect.stringMatching(/^fdatasync \d+$/)]);
    await snapshot;
    expect(calls.filter((c) => c.startsWith('fdatasyncSync'))).toEqual([]);
    expect(store.append({ op: 4 })).toEqual({ ok: true });
    // Kill -9 now: the snapshot holds 1-3, the new log 4.
    const restored = await new DiskStore(options(dir)).load();
    expect(restored).toMatchObject({ snapshot: { ops: [1, 2, 3] }, ops: [{ op: 4 }] });
    await store.close();
  });

  it('snapshotNow() captures a change no operation carries, also while an earlier snapshot is still being written', async () => {
    const dir = freshDir();
    let state = { dropped: false };
    const store = new DiskStore(options(dir));
    await store.load();
    await store.start(() => ({ ...state }));
    const earlier = store.snapshot();
    // The node drops state (a clock fault) while that snapshot is written.
    state = { dropped: true };
    await store.snapshotNow();
    await earlier;
    expect((await new DiskStore(options(dir)).load()).snapshot).toEqual({ dropped: true });
    await store.close();
  });

  it('close() writes a final snapshot, so a restart replays no operation', async () => {
    const dir = freshDir();
    const store = new DiskStore(options(dir));
    await store.load();
    await store.start(() => ({ final: true }));
    store.append({ op: 1 });
    await store.close();
    const restored = await new DiskStore(options(dir)).load();
    expect(restored.snapshot).toEqual({ final: true });
    expect(restored.ops).toEqual([]);
  });
});
