/** System tests: start the suite the way `npm start` does and drive it over HTTP. */
const preset = require('../jest.preset');

module.exports = {
  ...preset,
  displayName: 'system',
  testMatch: ['<rootDir>/test/system/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
};
