// Unit tests of the pure parts (history model, checker, report, schedule) and one short real
// chaos run (chaos.process.spec.ts) that needs dist/apps/api/main.js, built by `npm test` first.
module.exports = {
  displayName: 'chaos',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testEnvironment: 'node',
};
