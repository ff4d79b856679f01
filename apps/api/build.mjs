// Bundles the server into one file, dist/apps/api/main.js (CommonJS, every dependency inlined),
// plus a package.json with the `meshcache` bin. Usage: node apps/api/build.mjs
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outDir = join(root, 'dist/apps/api');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(outDir, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minifySyntax: true,
  legalComments: 'linked',
  tsconfig: join(root, 'tsconfig.base.json'),
  banner: { js: '#!/usr/bin/env node' },
  // Optional native accelerators of ws / engine.io: used when installed, skipped otherwise.
  external: ['bufferutil', 'utf-8-validate', 'uWebSockets.js'],
  logLevel: 'warning',
});
chmodSync(join(outDir, 'main.js'), 0o755);

const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
writeFileSync(join(outDir, 'package.json'), JSON.stringify({ ...pkg, main: './main.js', type: 'commonjs' }, null, 2) + '\n');
console.log('built dist/apps/api/main.js');
