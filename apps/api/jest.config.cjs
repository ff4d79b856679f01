const preset = require('../../jest.preset.js');

const [[tsJestName, tsJestOptions]] = Object.values(preset.transform);

module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // jose ships ES modules only; Jest runs CommonJS, so jose is transpiled like our sources.
  transform: {
    ...preset.transform,
    '^.+/node_modules/jose/.+\\.js$': [tsJestName, { ...tsJestOptions, tsconfig: { ...tsJestOptions.tsconfig, allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
