import { spawn, type ChildProcess } from 'node:child_process';


export interface Running {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** Resolves once the output contains `text`; rejects after `timeoutMs` or when the process ends first. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/** Runs `node <args>` in `cwd` with a small, explicit environment. */
export const runNode = (args: string[], cwd: string, env: Record<string, string> = {}): Running => {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const waitFor = async (wanted: string, timeoutMs = 30_000): Promise<void> => {
    let ended = false;
    void exited.then(() => (ended = true));
    const deadline = Date.now() + timeoutMs;
    while (!text.includes(wanted)) {
      if (ended) throw new TypeError(`process ended before printing ${JSON.stringify(wanted)}:\n${text}`);
      if (Date.now() > deadline) throw new TypeError(`no ${JSON.stringify(wanted)} within ${timeoutMs} ms:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, output: () => text, exited, waitFor };
};
