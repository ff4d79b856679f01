// The published packages, packed once and installed into an empty project. Nothing is built
// here when dist/ is there: `npm test` builds every project before Jest starts.
module.exports = {
  displayName: 'packaging',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testEnvironment: 'node',
};
