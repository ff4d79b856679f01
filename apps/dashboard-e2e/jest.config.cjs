// Real Chromium against a real 3-node cluster. Nothing is built here: `npm test` builds
// dist/apps/api/main.js and dist/apps/dashboard before Jest starts.
module.exports = {
  displayName: 'dashboard-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
};
