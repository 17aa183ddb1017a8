// Type-aware rules catch what the compiler lets through: promises nobody awaits, switches that miss a case.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'bench/results/**', '.openapi/**', '.tmp/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Specs and test drivers read JSON answers of many shapes; production code names its types.
    files: ['**/*.spec.ts', 'e2e/**', 'bench/**', 'apps/launcher/src/test-shop.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
  // After prettier's preset, which turns max-len off: prettier wraps code, comments and strings are wrapped by hand.
  { rules: { 'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }] } },
)
