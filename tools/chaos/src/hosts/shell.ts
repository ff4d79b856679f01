import { spawnSync } from 'node:child_process';

export interface ShellResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (ip, tc, mount: all quick); never throws. */
export function sh(cmd: string, args: readonly string[]): ShellResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
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
