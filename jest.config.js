/** @type {import('jest').Config} */
module.exports = {
  // Node's, with cdktf's creation traces left empty: see the file.
  // A resolved path, not <rootDir>: Stryker's jest runner reads this option unexpanded.
  testEnvironment: require.resolve('./__tests__/helpers/test-environment.js'),
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/helpers/'],
  // Many suites wait on child processes and local servers (the worker stand-in, Azurite, the load
  // test's API): on two cores a third worker fills that wait (measured: 27 s -> 25 s).
  maxWorkers: 3,
  testTimeout: 30000,
};
