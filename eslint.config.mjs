import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { basename } from 'node:path';

// One file naming scheme in apps/ and libs/ (shared/STYLE.md): `<feature>.<role>.ts`, a kebab-case feature and one
// role from this closed list, so a file's name says what it holds; a spec adds `.spec` to the name of what it tests.
const ROLES = [
  'module',
  'controller',
  'handler',
  'service',
  'repository',
  'schema',
  // What `nest g resource` writes besides the roles above (entities/<name>.entity.ts).
  'entity',
  'mapper',
  'dto',
  'query',
  'patterns',
  'payloads',
  'guard',
  'interceptor',
  'filter',
  'pipe',
  'decorator',
  'strategy',
  'middleware',
  'plugin',
  'client',
  'server',
  'transport',
  'discovery',
  'reader',
  'follower',
  'refresher',
  'seeder',
  'launcher',
  'bootstrap',
  'factory',
  'command',
  'types',
  'constants',
  'error',
  'util',
];
const FILE_NAME = new RegExp(`^[a-z0-9]+(?:-[a-z0-9]+)*\\.(?:${ROLES.join('|')})(?:\\.spec)?\\.ts$`);
// Entry points, barrels and the generated swagger metadata keep the names their tools expect.
const EXEMPT = new Set(['main.ts', 'index.ts', 'metadata.ts']);
const fileNaming = {
  meta: { type: 'suggestion', schema: [], messages: { name: '"{{name}}" is not <feature>.<role>.ts with a role from: {{roles}}' } },
  create(context) {
    const name = basename(context.filename);
    if (!EXEMPT.has(name) && !FILE_NAME.test(name)) {
      context.report({ loc: { line: 1, column: 0 }, messageId: 'name', data: { name, roles: ROLES.join(', ') } });
    }
    return {};
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'apps/gateway/public/**', 'test-artifacts/**', 'apps/gateway/src/metadata.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // apps/ and libs/, specs included, are linted with type information: floating promises, unsafe any and misused
  // promises are errors. The e2e suites keep the syntactic rules (their HTTP response bodies are typed loosely on purpose).
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    // The dashboard's own tsconfig leaves its specs out, so there is no type information for them.
    ignores: ['apps/dashboard/**/*.spec.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: {
      // Mocks are written `jest.fn(async () => value)`: async without await is how they stand in for async methods.
      '@typescript-eslint/require-await': 'off',
      // `expect(mock.method).toHaveBeenCalled()` passes a method unbound on purpose; jest never calls it with `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // The dashboard is a browser bundle with its own layout (apps/dashboard/tsconfig.json), not a Nest app.
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['apps/dashboard/**'],
    plugins: { workspace: { rules: { 'file-naming': fileNaming } } },
    rules: { 'workspace/file-naming': 'error' },
  },
);
