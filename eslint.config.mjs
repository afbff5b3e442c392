// ESLint: typescript-eslint's type-checked recommendations over all our TypeScript, plus two rules that
// catch what this code base cares about: a promise nobody awaits (a write that may never happen, an
// error nobody sees) and a switch that forgets a state of a machine. No file-level disables; a
// line-level disable says why on the same line.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Generated or not ours: the mini-program's copy of shared/ (npm run mp:sync, compared byte for byte
  // by a test), the build, the screens' output.
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'coverage/**',
      'screens-out/**',
      'miniprogram/shared/**',
      'miniprogram/miniprogram_npm/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // The full-width space (U+3000) lays out Chinese forms and their comments ('　　年　　月　　日').
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true }],
    },
  },
  {
    // supertest and the mini-program simulator hand tests their bodies and data as `any`; reading
    // `res.body.error.code` is what a test is for. The unsafe-any rules stay on everywhere else.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // A page's `data` is typed by its initial values through the page() generic: `answers: {} as Answers`
    // widens what setData may later write. The rule sees only that the generic receiver accepts `{}`.
    files: ['miniprogram/pages/**/*.ts', 'miniprogram/components/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Plain JavaScript: the configuration files and two test helpers that run outside TypeScript.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        globalThis: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
