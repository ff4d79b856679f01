import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskStore } from './disk-store.js';
import { decodeLog, encodeRecord } from './record-codec.js';

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
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(1);
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

  it('falls back to the logs when the snapshot file is unreadable', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'snapshot.json'), '{"format":1,"gen');
    writeFileSync(join(dir, 'ops-3.log'), encodeRecord({ op: 'kept' }));
    const warnings: string[] = [];
    const restored = await new DiskStore(options(dir, warnings)).load();
    expect(restored.snapshot).toBeUndefined();
    expect(restored.ops).toEqual([{ op: 'kept' }]);
    expect(warnings[0]).toMatch(/snapshot.json: unreadable/);
  });

  it('close() writes a final snapshot and leaves one log', async () => {
    const dir = freshDir();
    const store = new DiskStore(options(dir));
    await store.load();
    await store.start(() => ({ final: true }));
    store.append({ op: 1 });
    await store.close();
    const snap = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8'));
    expect(snap.snapshot).toEqual({ final: true });
    const restored = await new DiskStore(options(dir)).load();
    expect(restored.ops).toEqual([]);
  });
});
