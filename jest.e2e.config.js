/**
 * Every e2e suite: one project per app (apps/<app>/test/jest-e2e.config.js) plus the system
 * test. Files run in parallel; each gets its own schema, Redis namespace and queue prefix.
 */
const { readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const apps = readdirSync(join(__dirname, 'apps')).filter((app) =>
  existsSync(join(__dirname, 'apps', app, 'test', 'jest-e2e.config.js')),
);

module.exports = {
  // A global option: per-project testTimeout values are ignored in a multi-project run.
  testTimeout: 60_000,
  projects: [
    ...apps.map((app) => `<rootDir>/apps/${app}/test/jest-e2e.config.js`),
    '<rootDir>/test/jest-system.config.js',
  ],
};
