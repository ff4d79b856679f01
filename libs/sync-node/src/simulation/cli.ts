// Entry point of `npm run sim -- --schedules N --seed S [--verbose]`. It re-runs sim-main.ts
// in a Node process whose tsx resolves the workspace packages (@meshcache/*) through this
// library's tsconfig, however this file itself was started.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'sim-main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: resolve(here, '../../tsconfig.json') },
});
process.exit(result.status ?? 1);
