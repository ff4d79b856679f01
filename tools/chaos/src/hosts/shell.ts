import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ShellResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * `setsid --wait` runs a command in its own session: a Ctrl-C in the terminal signals the whole
 * foreground process group, and it used to kill the `ip netns del` or `umount` the harness was
 * running to clean up after that very Ctrl-C (the harness handles the signal, its helpers did
 * not), leaving namespaces and mounts behind.
 */
const SETSID = ['/usr/bin/setsid', '/bin/setsid'].find((p) => existsSync(p));

/** Runs a command to completion (ip, tc, mount: all quick), out of reach of the terminal's signals; never throws. */
export function sh(cmd: string, args: readonly string[]): ShellResult {
  const [file, argv] = SETSID ? [SETSID, ['--wait', cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 15_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** Like sh, but a failure is an error naming the command: used while building the hosts. */
export function must(cmd: string, args: readonly string[]): string {
  const r = sh(cmd, args);
  if (!r.ok) throw new HarnessError('SETUP_FAILED', `${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

export class HarnessError extends Error {
  constructor(
    readonly code: 'SETUP_FAILED' | 'NODE_FAILED' | 'BAD_OPTIONS',
    message: string,
  ) {
    super(message);
  }
}
