// One Jest run over every project that has a jest.config.cjs (see tools/test/run-all.mjs).
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');

const projects = ['libs', 'apps', 'tools'].flatMap((group) =>
  existsSync(path.join(__dirname, group))
    ? readdirSync(path.join(__dirname, group))
        .filter((name) => existsSync(path.join(__dirname, group, name, 'jest.config.cjs')))
        .map((name) => `<rootDir>/${group}/${name}`)
    : [],
);

// 2 shared cores: Jest's 5 s default fails component tests that wait on timers while the machine
// is loaded; tests that need longer still set their own timeout per file.
module.exports = { projects, testTimeout: 30_000 };
