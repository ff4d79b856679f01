// `npm test`: every check of every project, then one closing line `N passed, N failed`.
// Phase 1 runs each project's lint, typecheck, build and package-check as Nx tasks (cached);
// each task counts as one check. Phase 2 runs every Jest project (unit, integration,
// simulation, browser) in one Jest run and counts each test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  ESLINT_USE_FLAT_CONFIG: 'false',
  FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
};
const bin = (name) => join(root, 'node_modules/.bin', name);
const run = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });

const TASK_ORDER = ['lint', 'typecheck', 'build', 'package-check'];
const results = [];

// Tasks in phase order (all lints, then typechecks, ...), projects alphabetical within a phase.
const tasks = TASK_ORDER.flatMap((target) => {
  const out = spawnSync(bin('nx'), ['show', 'projects', '--with-target', target, '--json'], { cwd: root, env, encoding: 'utf8' });
  return JSON.parse(out.stdout)
    .sort()
    .map((project) => ({ project, target }));
});

for (const { project, target } of tasks) {
  const name = `${project}:${target}`;
  console.log(`\n=== ${name}`);
  const r = run(bin('nx'), ['run', name, '--output-style=static']);
  results.push({ name, ok: r.status === 0 });
}

console.log('\n=== jest (unit, integration, simulation, browser)');
const outDir = join(root, 'tmp');
mkdirSync(outDir, { recursive: true });
const jsonFile = join(outDir, 'jest-results.json');
rmSync(jsonFile, { force: true });
const jestArgs = ['-c', 'jest.config.cjs', '--ci', '--json', `--outputFile=${jsonFile}`, ...process.argv.slice(2)];
run(bin('jest'), jestArgs);
let passed = results.filter((r) => r.ok).length;
let failed = results.length - passed;
if (existsSync(jsonFile)) {
  const j = JSON.parse(readFileSync(jsonFile, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests + j.numRuntimeErrorTestSuites;
  for (const suite of j.testResults) {
    if (suite.status !== 'passed') results.push({ name: `jest ${suite.name.replace(root + '/', '')}`, ok: false });
  }
} else {
  failed += 1;
  results.push({ name: 'jest (no results written)', ok: false });
}

const failures = results.filter((r) => !r.ok);
if (failures.length) {
  console.log('\nFailed:');
  for (const f of failures) console.log(`  - ${f.name}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
