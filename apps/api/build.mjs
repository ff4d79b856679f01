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

// The V8 flags the server runs with (apps/api/package.json `nodeFlags`; why: src/server/node-flags.ts).
// The bin's shebang passes them; launchers read them from the built package.json.
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
if (!Array.isArray(pkg.nodeFlags) || !pkg.nodeFlags.every((f) => typeof f === 'string' && /^--[a-z-]+(=[0-9]+)?$/.test(f))) {
  throw new TypeError('apps/api/package.json: nodeFlags must be a list of --flag or --flag=number');
}

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
  // Two lines any POSIX sh runs: `exec` replaces the shell with node and the flags (same pid, so
  // signals and kill -9 reach the server). Not `#!/usr/bin/env -S node ...`: BusyBox's env
  // (Alpine, node:*-alpine images) has no -S, and the bin would not start there. For node the
  // first line is a hashbang and the second a string statement followed by a comment.
  banner: { js: `#!/bin/sh\n":" //; exec node ${pkg.nodeFlags.join(' ')} "$0" "$@"` },
  // Optional native accelerators of ws / engine.io: used when installed, skipped otherwise.
  external: ['bufferutil', 'utf-8-validate', 'uWebSockets.js'],
  logLevel: 'warning',
});
chmodSync(join(outDir, 'main.js'), 0o755);

writeFileSync(join(outDir, 'package.json'), JSON.stringify({ ...pkg, main: './main.js', type: 'commonjs' }, null, 2) + '\n');
console.log('built dist/apps/api/main.js');
