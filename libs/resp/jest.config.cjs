module.exports = {
  displayName: 'resp',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
