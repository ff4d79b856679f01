// Entry point of `npm run bench:cache`. It re-runs main.ts in a Node process that has
// --expose-gc and resolves workspace imports (@meshcache/cache-core) through the bench
// tsconfig, whatever way this file itself was started.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsconfig = resolve(here, '../../tsconfig.json');
const result = spawnSync(
  process.execPath,
  ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', join(here, 'main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig } },
);
process.exit(result.status ?? 1);
