/** Unit tests: `*.spec.ts` beside the code and the delivery checks, no infrastructure. */
module.exports = {
  ...require('./jest.preset'),
  displayName: 'unit',
  testMatch: [
    '<rootDir>/apps/*/src/**/*.spec.ts',
    '<rootDir>/libs/*/src/**/*.spec.ts',
    // Delivery files (charts, manifests, images, dashboards) checked against the code.
    '<rootDir>/test/deploy/**/*.spec.ts',
  ],
};
