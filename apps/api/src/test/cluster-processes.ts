import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NODE_FLAGS } from '../server/node-flags.js';

const root = resolve(__dirname, '../../../..');
export const MAIN = join(root, 'dist/apps/api/main.js');

/** `npm test` builds first; a lone Jest run builds the bundle itself. */
export const ensureBuilt = (): void => {
  if (existsSync(MAIN)) return;
  const r = spawnSync(process.execPath, [join(root, 'apps/api/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new TypeError('building dist/apps/api/main.js failed');
};


export interface NodeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

/**
 * Starts dist/apps/api/main.js with the server's node flags (NODE_FLAGS, as its bin passes them); `nodeFlags` replaces them, `asBin` runs
 * main.js itself, as `meshcache serve` does (its shebang then picks node and the flags).
 */
export const spawnNode = (env: Record<string, string>, options: { nodeFlags?: readonly string[]; asBin?: boolean } = {}): NodeProcess => {
  const [command, ...args] = options.asBin ? [MAIN] : [process.execPath, ...(options.nodeFlags ?? NODE_FLAGS), MAIN];
  const child = spawn(command, args, {
    cwd: root,
    // RESP off unless a test gives it a free port: parallel Jest workers must never compete for 6379.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ACCESS_LOG: 'false', LOG_LEVEL: 'warn', RESP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { url: `http://127.0.0.1:${env.PORT}`, child, output, exited };
};

/** Polls until `check` holds; the cluster lives in other processes, so there is no event to await. */
export const eventually = async (check: () => Promise<boolean>, what: string, attempts = 400): Promise<void> => {
  for (let i = 0; i < attempts; i++) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new TypeError(`timed out waiting for ${what}`);
};
