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

module.exports = { projects };
