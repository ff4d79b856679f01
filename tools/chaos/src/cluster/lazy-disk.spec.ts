import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh } from '../hosts/shell.js';
import { LazyMount, lazyFsAvailable } from './lazy-disk.js';

// lazyfs on a real FUSE mount over a real 1 MB tmpfs: what the power cut keeps is exactly what
// was fsynced. Needs root, /dev/fuse and python3-fusepy (.ci/run installs it).
jest.setTimeout(60_000);

const available = lazyFsAvailable();
const describeLazy = available.ok ? describe : describe.skip;
if (!available.ok) console.warn(`lazy-disk.spec: skipped (${available.why})`);

const mounted = (dir: string) => readFileSync('/proc/mounts', 'utf8').includes(` ${dir} `);

describeLazy('lazyfs under a DATA_DIR', () => {
  let root: string;
  let disk: string;
  let dir: string;
  let mount: LazyMount;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'lazy-disk-'));
    disk = join(root, 'node1.disk');
    dir = join(root, 'node1');
    mkdirSync(disk);
    mkdirSync(dir);
    expect(sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]).ok).toBe(true);
    mount = new LazyMount(disk, dir, join(root, 'node1.lazyfs'));
  });
  afterAll(() => {
    mount?.close();
    sh('umount', [disk]);
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the fsynced bytes of a log and drops the rest, as a power cut does, and says what it dropped', () => {
    const fd = openSync(join(dir, 'ops-1.log'), 'a');
    writeSync(fd, 'one\n');
    writeSync(fd, 'two\n');
    fsyncSync(fd);
    writeSync(fd, 'three\n');
    closeSync(fd); // closing is not syncing
    writeFileSync(join(dir, 'snapshot.json.tmp'), '{"never":"synced"}');
    renameSync(join(dir, 'snapshot.json.tmp'), join(dir, 'snapshot.json')); // the name is durable, its bytes are not
    expect(readFileSync(join(dir, 'ops-1.log'), 'utf8')).toBe('one\ntwo\nthree\n');

    expect(mount.drop()).toEqual({ files: 2, bytes: 'three\n'.length + '{"never":"synced"}'.length });
    expect(readFileSync(join(dir, 'ops-1.log'), 'utf8')).toBe('one\ntwo\n');
    expect(readFileSync(join(dir, 'snapshot.json'), 'utf8')).toBe('');
    expect(mount.drop()).toEqual({ files: 0, bytes: 0 });
  });

  it('answers ENOSPC to the write that does not fit in the tmpfs below, counting unsynced bytes as used, and keeps what was synced', () => {
    const fd = openSync(join(dir, 'filler'), 'w');
    let error: NodeJS.ErrnoException | undefined;
    try {
      for (let i = 0; i < 64; i++) writeSync(fd, Buffer.alloc(64 * 1024, 1)); // 4 MB into 1 MB
    } catch (e) {
      error = e as NodeJS.ErrnoException;
    } finally {
      closeSync(fd);
    }
    expect(error?.code).toBe('ENOSPC');
    expect(readFileSync(join(dir, 'ops-1.log'), 'utf8')).toBe('one\ntwo\n');
  });

  it('unmounts on close, leaving the synced bytes in the tmpfs below', () => {
    expect(mounted(dir)).toBe(true);
    expect(mount.close()).toBe(true);
    expect(mounted(dir)).toBe(false);
    expect(existsSync(join(dir, 'ops-1.log'))).toBe(false); // the mount point is empty again
    expect(readFileSync(join(disk, 'ops-1.log'), 'utf8')).toBe('one\ntwo\n');
  });
});
