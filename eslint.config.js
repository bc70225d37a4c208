// typescript-eslint strict, type-checked; promise hygiene, the layout rules and complexity budgets
// (errors everywhere except the Go port; see README "Contributing").
import tseslint from 'typescript-eslint';

const TEMPLATE_INTERNALS = {
  regex: String.raw`(^|/)template/src/(?!index\.js$)`,
  message: "import the template package through template/src/index.js, not its internals",
};
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

function layoutRules() {
  return [
    { files: ['**/*.ts'], ignores: ['template/**', 'test/template/**', 'test/differential/**'], rules: restrict(TEMPLATE_INTERNALS) },
    {
      files: ['webhook/**/*.ts'],
      rules: restrict(TEMPLATE_INTERNALS, { regex: String.raw`(^|/)agent/`, message: 'webhook/ must not import agent/: share through common/ or template/' }),
    },
    {
      files: ['agent/**/*.ts'],
      rules: restrict(TEMPLATE_INTERNALS, { regex: String.raw`(^|/)webhook/`, message: 'agent/ must not import webhook/: share through common/ or template/' }),
    },
    {
      files: ['template/**/*.ts', 'common/**/*.ts'],
      rules: restrict({ regex: String.raw`(^|/)(agent|webhook)/`, message: 'common/ and template/ depend on neither program' }),
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.cjs', '**/*.mjs', 'eslint.config.js'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Spreading a string iterates code points, which is exactly Go's `range` over a string.
      '@typescript-eslint/no-misused-spread': ['error', { allow: [{ from: 'lib', name: 'string' }] }],
      eqeqeq: 'error',
      // Budgets are errors: a function over them is split into smaller, named ones.
      complexity: ['error', 12],
      'max-depth': ['error', 3],
      'max-params': ['error', 4],
    },
  },
  {
    // The Go port (text/template's lexer, parser and exec, fmt, strconv, sprig and consul-template's
    // functions) keeps the shape of the Go source it mirrors, so it can be compared line by line.
    files: ['template/src/go/**/*.ts'],
    ignores: ['template/src/go/**/*.test.ts'],
    rules: { complexity: 'off', 'max-depth': 'off', 'max-params': 'off' },
  },
  // The layout is the law (README "Layout"): webhook/ and agent/ meet only through common/ and the
  // template package's index; nothing outside template/ reaches into the engine's internals.
  ...layoutRules(),
  {
    // Tests: describe/it nesting and table-driven cases are not business logic; parameters still count.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      complexity: 'off',
      'max-depth': 'off',
    },
  },
);
