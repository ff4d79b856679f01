module.exports = {
  displayName: 'sync-node',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
