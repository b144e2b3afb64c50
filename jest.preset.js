// Shared by the unit and every e2e config: swc compiles TypeScript with Nest's decorator
// metadata (type checking is `npm run typecheck`), and the @pingvas/* aliases map to sources.
const { join } = require('node:path');

const root = __dirname;
const libs = ['common', 'contracts', 'database', 'inference', 'messaging', 'storage', 'testing'];

module.exports = {
  rootDir: root,
  testEnvironment: join(root, 'jest.environment.js'),
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: {
            legacyDecorator: true,
            decoratorMetadata: true,
            useDefineForClassFields: false,
          },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((lib) => [`^@pingvas/${lib}$`, join(root, 'libs', lib, 'src')])),
    // apps/web's own alias for its src folder (its unit tests run here too).
    '^@/(.*)$': join(root, 'apps', 'web', 'src', '$1'),
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
