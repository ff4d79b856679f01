import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDataDir, DataDirInUseError, LOCK_SOCKET } from './data-dir-lock.js';

describe('claimDataDir', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'meshcache-lock-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('holds DATA_DIR until released: a second claim is refused meanwhile, and granted after', async () => {
    const dir = join(root, 'one');
    const first = await claimDataDir(dir);
    expect(first.held).toBe(true);
    expect(existsSync(join(dir, LOCK_SOCKET))).toBe(true);
    await expect(claimDataDir(dir)).rejects.toThrow(DataDirInUseError);
    await expect(claimDataDir(join(root, 'one', '..', 'one'))).rejects.toThrow(/DATA_DIR \(--data-dir\) .* is in use by another running node/);
    if (first.held) await first.release();
    const again = await claimDataDir(dir);
    expect(again.held).toBe(true);
    if (again.held) await again.release();
  });

  it('claims a DATA_DIR whose path is too long for a socket through one in the temporary directory, named after its real path', async () => {
    const dir = join(root, 'x'.repeat(60), 'y'.repeat(60));
    const first = await claimDataDir(dir);
    expect(first.held).toBe(true);
    expect(existsSync(join(dir, LOCK_SOCKET))).toBe(false);
    await expect(claimDataDir(dir)).rejects.toThrow(DataDirInUseError);
    if (first.held) await first.release();
  });

  it('names DATA_DIR when it cannot be a directory', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(claimDataDir(join(file, 'sub'))).rejects.toThrow(/^DATA_DIR \(--data-dir\) .*sub cannot be used/);
  });
});
