/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Every 2xx answer is checked against its route's declared schema; a mismatch fails the test that caused it.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/answerChecks.ts'],
  // Database-backed suites share one MariaDB schema in CI; running files one at a time keeps them apart.
  maxWorkers: process.env.DATABASE_URL ? 1 : '50%',
  testTimeout: 30000,
};
