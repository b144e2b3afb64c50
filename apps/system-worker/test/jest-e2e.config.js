/** system-worker e2e: real PostgreSQL, Redis and BullMQ, the built process, a local SMTP server. */
const preset = require('../../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'system-worker',
  testMatch: ['<rootDir>/apps/system-worker/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
};
