// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

/**
 * apps/web follows Bulletproof React's import rule: a feature never imports another feature
 * (shared code lives in components/ and lib/, and app/ composes features into screens).
 */
const WEB_FEATURES = readdirSync(new URL('./apps/web/src/features', import.meta.url));

/**
 * Apps never import each other, source or tests: what two apps share is a lib (libs/contracts
 * for types and constants), and the boot recipes tests share live in test/support.
 */
const APPS = readdirSync(new URL('./apps', import.meta.url));
const appBoundaries = APPS.map((app) => ({
  files: [`apps/${app}/**/*.{ts,tsx}`],
  ignores: ['apps/web/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: APPS.filter((a) => a !== app).flatMap((a) => [
              `**/apps/${a}/**`,
              `../../${a}/**`,
            ]),
            message: 'Apps never import each other: share through a lib or test/support.',
          },
        ],
      },
    ],
  },
}));
const featureBoundaries = WEB_FEATURES.map((feature) => ({
  files: [`apps/web/src/features/${feature}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: WEB_FEATURES.filter((f) => f !== feature).flatMap((f) => [
              `@/features/${f}`,
              `@/features/${f}/**`,
              `**/features/${f}/**`,
              `../../${f}/**`,
            ]),
            message: 'Features never import each other: move shared code to components/ or lib/.',
          },
          { group: ['@/app', '@/app/**'], message: 'Features never import the app layer.' },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'apps/web/dist/**',
      'apps/web/test-results/**',
      'apps/web/playwright-report/**',
      'node_modules/**',
      'coverage/**',
      'models/**',
      '.var/**',
      '**/*.mjs',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Issue 15's house rules, kept by the linter: a double cast hides a type that does not fit
    // (write a typed fake, a type guard or a parser), and a job's data is typed by the queue
    // contract, never cast.
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression > TSAsExpression[typeAnnotation.type='TSUnknownKeyword']",
          message: "No 'as unknown as': make the types fit (a typed fake, a guard, a parser).",
        },
        {
          selector:
            "TSAsExpression > MemberExpression.expression[object.name='job'][property.name='data']",
          message: "No 'job.data as': type the job by its queue (libs/contracts' queue contract).",
        },
      ],
    },
  },
  {
    // One file, one idea: source files stay under 300 lines (tests and migrations aside).
    files: ['apps/*/src/**/*.{ts,tsx}', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.e2e-spec.ts', '**/migrations/**'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  ...featureBoundaries,
  ...appBoundaries,
  {
    // Data flows down: apps use libs, never the other way (test helpers that boot an app live
    // in test/support or the app's own test/ folder).
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/**', 'apps/**'],
              message: 'libs/ never imports from apps/: move the code into a lib, or out of libs/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/e2e/**/*.ts', 'apps/web/*.config.ts'],
    rules: { 'no-console': 'off' },
  },
);
