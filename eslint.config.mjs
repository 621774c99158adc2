// ESLint: typescript-eslint's recommended rules everywhere, and its type-aware rules on functions/,
// the code that runs on Azure (a floating promise there is an unhandled rejection, which stops the
// Node worker). Prettier owns layout: eslint-config-prettier turns off every rule that would fight
// it. Each departure from the presets below says why in one line; README "Linting and formatting"
// lists them too.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdktf.out/',
      'coverage/',
      'reports/',
      'simulation-out/',
      '.stryker-tmp/',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`, `_name`: a parameter or binding kept for its position, or left out of a rest copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `import x = require()`: the CommonJS build of a package on purpose (one copy of each @azure package in a bundle).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    files: ['functions/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['__tests__/**/*.ts', 'lib/policy/**/*.ts', 'scripts/simulation/stack-model.ts'],
    rules: {
      // These read synthesized Terraform JSON, whose shape is the provider's schema, not a TypeScript type.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
