/** model-service e2e: real PostgreSQL and Redis; a fresh schema and Redis namespace per file. */
const preset = require('../../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'model-service',
  testMatch: ['<rootDir>/apps/model-service/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
};
