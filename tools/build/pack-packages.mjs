// Packs every publishable package into an npm tarball, from what `npm run build` left in dist/:
//   the libraries (dist/libs/<name>) as they are, and the server `meshcache` (dist/apps/api)
//   staged with the built dashboard inside it, so an installed `meshcache serve` serves it at /.
// Usage: node tools/build/pack-packages.mjs [--out DIR] [--publish]
//   --out DIR   where the .tgz files go (default dist/packages); prints one tarball path a line
//   --publish   then `npm publish` each tarball, dependencies first (a release is this command)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Every published package, dependencies before their dependents (the order of a release). */
const PUBLISHED = [
  { name: '@meshcache/cache-core', dist: 'dist/libs/cache-core' },
  { name: '@meshcache/sync-protocol', dist: 'dist/libs/sync-protocol' },
  { name: '@meshcache/sync-node', dist: 'dist/libs/sync-node' },
  { name: '@meshcache/api-contract', dist: 'dist/libs/api-contract' },
  { name: '@meshcache/resp', dist: 'dist/libs/resp' },
  { name: 'meshcache', dist: 'dist/apps/api', dashboard: 'dist/apps/dashboard' },
];

const fail = (message) => {
  console.error(`pack-packages: ${message}`);
  process.exit(1);
};

/** The server's package folder: its bundle, package.json made publishable, the dashboard, docs. */
const stageServer = (pkg, stageRoot) => {
  const dir = join(stageRoot, 'meshcache');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(root, pkg.dist), dir, { recursive: true });
  cpSync(join(root, pkg.dashboard), join(dir, 'dashboard'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  delete manifest.private;
  manifest.files = ['main.js', 'main.js.map', 'main.js.LEGAL.txt', 'dashboard', 'README.md', 'CHANGELOG.md', 'LICENSE'];
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  cpSync(join(root, 'apps/api/PACKAGE-README.md'), join(dir, 'README.md'));
  for (const file of ['CHANGELOG.md', 'LICENSE']) cpSync(join(root, file), join(dir, file));
  return dir;
};

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = resolve(outIndex >= 0 ? args[outIndex + 1] ?? fail('--out needs a folder') : join(root, 'dist/packages'));
const publish = args.includes('--publish');

for (const pkg of PUBLISHED) {
  for (const dir of [pkg.dist, pkg.dashboard].filter(Boolean)) {
    if (!existsSync(join(root, dir, dir.includes('dashboard') ? 'index.html' : 'package.json'))) {
      fail(`${dir} is not built: run \`npm run build\` first`);
    }
  }
}
mkdirSync(outDir, { recursive: true });
const tarballs = [];
for (const pkg of PUBLISHED) {
  const folder = pkg.dashboard ? stageServer(pkg, join(outDir, 'stage')) : join(root, pkg.dist);
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: folder, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(out);
  tarballs.push(join(outDir, filename));
}
rmSync(join(outDir, 'stage'), { recursive: true, force: true });
for (const tarball of tarballs) console.log(tarball);

if (publish) {
  for (const tarball of tarballs) execFileSync('npm', ['publish', tarball, '--access', 'public'], { stdio: 'inherit' });
}
