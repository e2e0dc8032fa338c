// One lint configuration for the whole repository: server, integrations, classifier, tests,
// scripts and the agent console. `npm run lint` runs it; `npm test` runs lint after typecheck.
// A rule that is off or relaxed says why on its line.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', 'server/platform/db/migrations/**'] },
  // An `eslint-disable` that suppresses nothing is an error, so each one keeps pointing at a live finding.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a parameter kept for a signature (Express error handlers, use-case shape).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // `cond ? a++ : b++` and `x && f()` are used as statements on purpose in a few counters and tests.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
    },
  },
  {
    // Tests and their fake peers read untyped JSON and protocol messages and assert on them;
    // a wrong shape fails the assertion, so `any` there costs nothing that a type would catch.
    files: ['**/*.test.ts', 'test/**', '**/fixtures/**', 'integrations/**/*.test-support.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['agent-console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    // The two classic hook rules; the plugin's React Compiler rules (v7 "recommended") assume a
    // compiler this console does not use.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
