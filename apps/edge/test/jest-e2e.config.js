/** The edge (apps/edge) e2e: the built process (dist/) in front of stub and real services. */
const preset = require('../../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'edge',
  testMatch: ['<rootDir>/apps/edge/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
};
