// ESLint flat config: typescript-eslint's type-checked rules for the TypeScript in src/ and test/
// (both in tsconfig.json), a plain JavaScript set for the bench, the examples and config files.
// Tuned to what catches real bugs here; every rule turned off says why on its line.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node's globals for the plain-JS files, read from the running Node (no hand-kept list), plus the
// CommonJS module wrapper's names.
const nodeGlobals = Object.fromEntries(
  [
    ...Object.getOwnPropertyNames(globalThis),
    'require',
    'module',
    'exports',
    '__dirname',
    '__filename',
  ].map((name) => [name, 'readonly']),
);

/** The rules that catch real bugs in any file, typed or not. */
const sharedRules = {
  'no-unused-vars': 'off', // replaced by the TypeScript-aware rule below (also right for JS)
  '@typescript-eslint/no-unused-vars': [
    'error',
    {
      args: 'after-used',
      argsIgnorePattern: '^_',
      varsIgnorePattern: '^_',
      caughtErrors: 'all',
      caughtErrorsIgnorePattern: '^_',
      destructuredArrayIgnorePattern: '^_',
      ignoreRestSiblings: true,
    },
  ],
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-var': 'error',
  'prefer-const': 'error',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'artifacts/',
      '.cache/',
      'reports/',
      '.stryker-tmp/',
      'bench/results/',
      // Byte-exact inputs to tests (also prettier-ignored): linting them would invite edits.
      'test/package/fixtures/',
      'test/fixtures/',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // --- TypeScript: type-checked, every file is in tsconfig.json -------------------------------
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      ...sharedRules,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        // `typeof import('x')` stays allowed: it types a lazy require() of an optional module.
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Noise here: every hit is a promisified Node/Express callback forwarding the error it was
      // handed (`error ? reject(error) : resolve()`), which is exactly what it should reject with.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // `declare global { namespace Express { … } }` is how Express's Request is augmented.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      // Noise here: async methods without `await` implement Promise-returning interfaces (the
      // memory stores, test doubles) and turn a throw into a rejection, which is what callers expect.
      '@typescript-eslint/require-await': 'off',
      // Noise here: every hit is a deliberate String() of pino-http's request id (typed
      // string | number | object, always a string in this project) or of an unknown header value;
      // objects in template literals are still caught by restrict-template-expressions.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read untyped JSON on purpose (supertest's `res.body` and fetch's `json()` are `any`)
      // and the assertion that follows is the check; typing every body would only add casts.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `expect(double.method).toHaveBeenCalled()` and friends pass methods unbound by design.
      '@typescript-eslint/unbound-method': 'off',
    },
  },

  // bench/autocannon.d.ts is in no tsconfig (the bench is // @ts-check JavaScript): untyped rules.
  { files: ['bench/**/*.ts'], extends: [tseslint.configs.disableTypeChecked] },

  // --- Plain JavaScript: bench (// @ts-check, but in no tsconfig), examples, config files ------
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [js.configs.recommended],
    plugins: { '@typescript-eslint': tseslint.plugin },
    languageOptions: { ecmaVersion: 'latest', globals: nodeGlobals },
    rules: sharedRules,
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ignores: ['examples/sidecar/**'],
    languageOptions: { sourceType: 'commonjs' },
  },

  // --- The product never writes to the console: it logs through pino ------------------------
  {
    files: ['src/**'],
    rules: { 'no-console': 'error' },
  },
);
