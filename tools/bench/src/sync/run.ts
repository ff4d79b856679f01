// Entry point of `npm run bench:sync`. It re-runs main.ts in a Node process whose tsx resolves
// the workspace packages (@meshcache/*) through the bench tsconfig, however this file was started.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: resolve(here, '../../tsconfig.json') },
});
process.exit(result.status ?? 1);
