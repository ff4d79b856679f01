import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../../..');

/** What `npm run pack:packages` needs in dist/; `npm test` has built it before Jest starts. */
const BUILT = ['dist/libs/cache-core', 'dist/libs/sync-protocol', 'dist/libs/sync-node', 'dist/libs/api-contract', 'dist/libs/resp', 'dist/apps/api', 'dist/apps/dashboard'];

const ensureBuilt = (): void => {
  if (BUILT.every((dir) => existsSync(join(root, dir)))) return;
  const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' };
  const projects = 'cache-core,sync-protocol,sync-node,api-contract,resp,api,dashboard';
  const r = spawnSync(join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', projects, '--output-style=static'], { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) throw new TypeError('building the packages failed');
};

export interface PackedInstall {
  /** The .tgz files, in release order. */
  readonly tarballs: string[];
  /** An empty project (`"type": "module"`) with every tarball installed. */
  readonly project: string;
  readonly workDir: string;
}

/**
 * Packs every package once (tools/build/pack-packages.mjs) and installs all tarballs together into
 * a fresh project outside the repository, as a user would. Our packages come only from the
 * tarballs (none is on the registry); their third-party dependencies from npm's cache or registry.
 */
export const packAndInstall = (): PackedInstall => {
  ensureBuilt();
  const workDir = mkdtempSync(join(tmpdir(), 'meshcache-packaging-'));
  const packDir = join(workDir, 'packages');
  const out = execFileSync(process.execPath, [join(root, 'tools/build/pack-packages.mjs'), '--out', packDir], { cwd: root, encoding: 'utf8' });
  const tarballs = out.trim().split('\n');
  const project = join(workDir, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'packaging-check', private: true, type: 'module' }) + '\n');
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...tarballs], {
    cwd: project,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { tarballs, project, workDir };
};
