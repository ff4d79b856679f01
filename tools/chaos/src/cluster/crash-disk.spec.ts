import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord } from '@meshcache/sync-node';
import { crashDisk } from './crash-disk.js';

// The server's log format (sync-node's journal-record): "<crc32 hex> <JSON>\n" per operation.
const op = (origin: string, seq: number, wall: number, o: Record<string, unknown>) => encodeRecord({ origin, seq, hlc: { wall, logical: 0, node: origin }, op: o });

describe('crashDisk', () => {
  const root = mkdtempSync(join(tmpdir(), 'chaos-crash-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const setUp = (name: string) => {
    const dir = join(root, name);
    const trace = join(root, `${name}.fsync.jsonl`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'snapshot.json'), `{"format":1,"generation":4,"takenAt":1000,"snapshot":{"takenAt":5}}\n#crc32 00000000 10\n`);
    const synced = op('n1#a', 1, 1100, { type: 'set', key: 'k', value: 'v1' }) + op('n2#b', 7, 1150, { type: 'delete', key: 'p' });
    const unsynced = op('n1#a', 2, 1200, { type: 'set', key: '__proto__', value: 'v2' }) + op('n1#a', 3, 1300, { type: 'delete', key: 'k' });
    writeFileSync(join(dir, 'ops-4.log'), synced + unsynced + '0badc0de {"torn');
    writeFileSync(join(dir, 'ops-5.log'), op('n1#a', 4, 1400, { type: 'clear' }));
    appendFileSync(trace, `${JSON.stringify({ file: 'ops-4.log', bytes: 10, at: 1050 })}\n${JSON.stringify({ file: 'ops-4.log', bytes: Buffer.byteLength(synced), at: 1160 })}\n`);
    return { dir, trace, synced };
  };

  it('after a kill -9 keeps every byte and reads the node\'s own writes since the newest snapshot', () => {
    const { dir, trace } = setUp('kill');
    const before = statSync(join(dir, 'ops-4.log')).size;
    const crash = crashDisk({ id: 'f2', node: 'n1', mode: 'kill', at: 1500, dataDir: dir, tracePath: trace, since: 0 });
    expect(statSync(join(dir, 'ops-4.log')).size).toBe(before);
    expect(crash).toEqual(
      expect.objectContaining({ kind: 'crash', id: 'f2', node: 'n1', coverFrom: 1000, cut: [], cutBytes: 0, lastFsyncAt: 1160, longestFsyncGapMs: 110 }),
    );
    expect(crash.kept).toEqual([
      { type: 'set', key: 'k', value: 'v1', wall: 1100 },
      { type: 'set', key: '__proto__', value: 'v2', wall: 1200 },
      { type: 'delete', key: 'k', wall: 1300 },
      { type: 'clear', wall: 1400 },
    ]);
  });

  it('for a power cut, cuts each log back to its last fsynced length (a log never fsynced to nothing)', () => {
    const { dir, trace, synced } = setUp('power');
    const size = statSync(join(dir, 'ops-4.log')).size + statSync(join(dir, 'ops-5.log')).size;
    const crash = crashDisk({ id: 'f3', node: 'n1', mode: 'power', at: 1500, dataDir: dir, tracePath: trace, since: 0 });
    expect(readFileSync(join(dir, 'ops-4.log'), 'utf8')).toBe(synced);
    expect(statSync(join(dir, 'ops-5.log')).size).toBe(0);
    expect(crash.cutBytes).toBe(size - Buffer.byteLength(synced));
    expect(crash.kept).toEqual([{ type: 'set', key: 'k', value: 'v1', wall: 1100 }]);
    expect(crash.cut).toEqual([
      { type: 'set', key: '__proto__', value: 'v2', wall: 1200 },
      { type: 'delete', key: 'k', wall: 1300 },
      { type: 'clear', wall: 1400 },
    ]);
  });
});
