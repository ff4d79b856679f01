module.exports = {
  displayName: 'cache-core',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
