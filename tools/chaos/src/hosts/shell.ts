import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ShellResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * `setsid --wait` (util-linux) runs each command in its own session, out of reach of the
 * terminal's signals. A Ctrl-C signals the whole foreground process group, and it killed the
 * `ip netns del` or `umount` that the harness was running to clean up after that very Ctrl-C (the
 * harness handles the signal, its helpers did not), leaving a namespace or a mount behind (the
 * interrupt test, about 2 runs in 5). A signal can still land before setsid() has run (the
 * setsid program is loading): the command is then run once more.
 */
const SETSID = ['/usr/bin/setsid', '/bin/setsid'].find((p) => existsSync(p));

/** Runs a command to completion (ip, tc, mount: all quick), out of reach of the terminal's signals; never throws. */
export function sh(cmd: string, args: readonly string[]): ShellResult {
  const [file, argv] = SETSID ? [SETSID, ['--wait', cmd, ...args]] : [cmd, args];
  const once = () => spawnSync(file, argv, { encoding: 'utf8', timeout: 15_000 });
  let r = once();
  if (r.signal === 'SIGINT' || r.signal === 'SIGTERM' || r.signal === 'SIGHUP') r = once();
  const how = r.status === 0 ? '' : r.signal ? ` (killed by ${r.signal})` : ` (exit ${r.status})`;
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') + how };
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
