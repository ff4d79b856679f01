module.exports = {
  displayName: 'sync-protocol',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
