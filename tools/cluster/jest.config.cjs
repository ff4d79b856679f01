// Runs start.mjs for real with --no-build: needs dist/apps/api/main.js, built by `npm test` first.
module.exports = {
  displayName: 'cluster',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testEnvironment: 'node',
  // start.spec.ts sits beside start.mjs, which has no src/ folder.
  testMatch: ['<rootDir>/*.spec.ts'],
};
