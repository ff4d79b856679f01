// Shared Jest settings. ts-jest transpiles each file on its own (isolatedModules in tsconfig);
// type errors are caught by each project's `typecheck` target, which keeps test runs fast.
const path = require('node:path');

module.exports = {
  cacheDirectory: path.join(__dirname, 'node_modules/.cache/jest'),
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]sx?$': [
      'ts-jest',
      {
        // Jest runs CommonJS; projects' tsconfig.spec.json (used by `typecheck`) stays ESM.
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
          target: 'es2022',
          isolatedModules: true,
          esModuleInterop: true,
          jsx: 'react-jsx',
          sourceMap: true,
          types: ['jest', 'node'],
        },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  // Sources use explicit `.js` extensions on relative imports (needed by the published ESM
  // declarations); map them back to the TypeScript files for Jest.
  moduleNameMapper: {
    '^@meshcache/cache-core$': path.join(__dirname, 'libs/cache-core/src/index.ts'),
    '^@meshcache/sync-protocol$': path.join(__dirname, 'libs/sync-protocol/src/index.ts'),
    '^@meshcache/sync-node$': path.join(__dirname, 'libs/sync-node/src/index.ts'),
    '^@meshcache/api-contract$': path.join(__dirname, 'libs/api-contract/src/index.ts'),
    '^@meshcache/resp$': path.join(__dirname, 'libs/resp/src/index.ts'),
    '^@meshcache/test-support$': path.join(__dirname, 'tools/test-support/src/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
};
