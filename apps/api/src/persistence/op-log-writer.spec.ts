import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpLogWriter, type FsyncPolicy } from './op-log-writer.js';
import { decodeLog } from './record-codec.js';

describe('OpLogWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshcache-oplog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['always', 'everysec', 'no'] as FsyncPolicy[])('with fsync %s, every appended record is in the file before append returns', (policy) => {
    const path = join(dir, `${policy}.log`);
    const writer = new OpLogWriter(path, policy);
    writer.append({ n: 1 });
    writer.append({ key: '__proto__', value: 'line\nbreak' });
    // Read while still open: what a kill -9 at this point would leave behind.
    expect(decodeLog(readFileSync(path, 'utf8'), policy)).toEqual({ records: [{ n: 1 }, { key: '__proto__', value: 'line\nbreak' }], warnings: [] });
    expect(writer.count).toBe(2);
    writer.close();
    writer.close();
  });
});
