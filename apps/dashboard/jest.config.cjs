// Component tests run in jsdom; uPlot draws on canvas and reads matchMedia, which jsdom lacks,
// so test-support/setup-dom.ts supplies small stand-ins.
module.exports = {
  displayName: 'dashboard',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/src/test-support/setup-dom.ts'],
  moduleNameMapper: { '\\.css$': '<rootDir>/src/test-support/style-stub.cjs' },
};
