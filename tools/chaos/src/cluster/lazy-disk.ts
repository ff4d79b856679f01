import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { HarnessError, sh } from '../hosts/shell.js';

/**
 * A node's DATA_DIR on lazyfs (tools/chaos/lazyfs/lazyfs.py): a FUSE file system over the
 * node's tmpfs that keeps written bytes in its memory until the writer fsyncs that file. The
 * power cut asks it to drop every unsynced byte, so what survives is decided by the fsyncs that
 * reached a file system, not by the server's own record of them (FSYNC_TRACE_FILE, the fallback).
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(__dirname, '../../lazyfs/lazyfs.py');
const DropReplySchema = z.object({ files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() });
export type Dropped = z.infer<typeof DropReplySchema>;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const mountedAt = (dir: string) => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === dir && l.split(' ')[2].startsWith('fuse'));

/** Whether lazyfs can run here: root, /dev/fuse, and Debian's python3-fusepy. */
export function lazyFsAvailable(): { ok: boolean; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'not root' };
  if (!existsSync('/dev/fuse')) return { ok: false, why: 'no /dev/fuse' };
  if (!sh(PYTHON, ['-c', 'import fusepy']).ok) return { ok: false, why: 'python3-fusepy is not installed (apt-get install python3-fusepy)' };
  return { ok: true, why: 'lazyfs (FUSE, python3-fusepy)' };
}

export class LazyMount {
  private readonly child: ChildProcess;
  private readonly control: string;

  /** Mounts lazyfs over `backing` at `dir`; its control FIFO and log live at `stateBase`.*. Waits (bounded) for the mount. */
  constructor(
    backing: string,
    readonly dir: string,
    stateBase: string,
  ) {
    this.control = `${stateBase}.ctl`;
    const log = openSync(`${stateBase}.log`, 'a');
    // Its own session: a Ctrl-C at the terminal must not unmount a node's disk under it; close() does that.
    this.child = spawn(PYTHON, [SCRIPT, backing, dir, this.control], { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    this.child.unref();
    for (let i = 0; i < 100 && !mountedAt(dir); i++) sleepSync(50);
    if (!mountedAt(dir)) {
      this.close();
      throw new HarnessError('SETUP_FAILED', `lazyfs did not mount ${dir} within 5 s (log: ${stateBase}.log)`);
    }
  }

  /** The power cut: every byte not fsynced is gone. Answers what was dropped. */
  drop(): Dropped {
    const out = `${this.control}.out`;
    const before = existsSync(out) ? readFileSync(out, 'utf8').length : 0;
    writeFileSync(this.control, 'crash\n');
    for (let i = 0; i < 200; i++) {
      const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
      const line = text.slice(before).split('\n')[0];
      if (line) return DropReplySchema.parse(JSON.parse(line));
      sleepSync(25);
    }
    throw new HarnessError('NODE_FAILED', `lazyfs at ${this.dir} did not answer the power cut within 5 s`);
  }

  /** Unmounts (the lazyfs process exits with it); true when nothing is left mounted. */
  close(): boolean {
    if (mountedAt(this.dir)) sh('umount', [this.dir]);
    if (mountedAt(this.dir)) sh('umount', ['-l', this.dir]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return !mountedAt(this.dir);
  }
}

export const lazyStateBase = (dataRoot: string, name: string) => join(dataRoot, `${name}.lazyfs`);
