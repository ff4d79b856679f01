import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskStore } from './disk-store.js';
import { fsyncTrace } from './fsync-trace.js';

describe('FSYNC_TRACE_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshcache-trace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names each log with the length its last fsync made durable, across a snapshot rotation', async () => {
    const data = join(dir, 'data');
    const trace = join(dir, 'fsync.jsonl');
    const store = new DiskStore({ dir: data, fsync: 'always', snapshotIntervalMs: 60_000, snapshotAfterOps: 1000, warn: () => undefined, onDurable: fsyncTrace(trace) });
    await store.load();
    await store.start(() => ({}));
    store.append({ key: '__proto__', value: 1 });
    store.append({ key: 'constructor', value: 2 });
    await store.snapshot();
    store.append({ key: 'k', value: 3 });
    await store.close();
    const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; bytes: number; at: number });
    const last = new Map(lines.map((l) => [l.file, l.bytes]));
    expect([...last.keys()].sort()).toEqual(['ops-1.log', 'ops-2.log', 'ops-3.log']);
    // ops-1 was removed once two newer snapshots existed; the others are durable to their last byte.
    for (const file of ['ops-2.log', 'ops-3.log']) expect(last.get(file)).toBe(statSync(join(data, file)).size);
    expect(lines.every((l) => Number.isInteger(l.at))).toBe(true);
  });
});
