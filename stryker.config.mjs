// Mutation testing of the policy's rules and the declared machines (issue 13, item 3): `npm run mutation`.
// Not a CI step: it takes minutes. Only the tests of shared/ run against each mutant; one file at a
// time while iterating: `npm run mutation -- --mutate shared/src/workflow/application.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner'],
  mutate: ['shared/src/rules/**/*.ts', 'shared/src/workflow/**/*.ts'],
  jest: {
    projectType: 'custom',
    config: {
      testEnvironment: 'node',
      roots: ['<rootDir>/test/shared'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
      moduleFileExtensions: ['ts', 'js', 'json'],
    },
    enableFindRelatedTests: true,
  },
  // Two cores shared with others: one test runner.
  concurrency: 1,
  coverageAnalysis: 'perTest',
  // The declarations are static (module-level data): their mutants count, they are what the tables check.
  ignoreStatic: false,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 85, break: null },
  timeoutMS: 10000,
};
