// Type-aware lint, and the rules that keep mem's layers apart: the core (capabilities, db, config,
// redaction, utilities) never imports a front end (the CLI, commands, rendering, and later MCP and
// HTTP), front ends never import each other, SQL stays in store modules, and there are no cycles.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const FRONT_ENDS = ['**/cli/**', '**/cli.js', '**/commands/**', '**/render/**', '**/mcp/**', '**/serve/**'];
const CORE = ['src/core/**', 'src/db/**', 'src/config/**', 'src/redact/**', 'src/util/**', 'src/fixes/**', 'src/shell/**', 'src/predict/**', 'src/memory/**', 'src/episodes/**', 'src/patterns/**', 'src/maintenance/**', 'src/index.ts', 'src/errors.ts'];
// Libraries for people at a terminal: only front ends load them.
const TERMINAL_LIBS = ['chalk', 'cli-table3', 'ora', 'commander', '@commander-js/extra-typings'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'scripts/**', 'test/fixtures/**', '*.config.*'] },
  ...tseslint.configs.recommendedTypeChecked,
  importX.flatConfigs.typescript,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: CORE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: FRONT_ENDS, message: 'the core never imports a front end (cli, commands, render, mcp, serve)' }],
          paths: TERMINAL_LIBS.map((name) => ({ name, message: 'terminal libraries belong to front ends' })),
        },
      ],
    },
  },
  {
    // SQL lives in store modules (and in db/ for opening and migrating): nowhere else prepares or runs it.
    files: ['src/**/*.ts'],
    // (src/shell/import/atuin.ts reads atuin's own database, not mem's.)
    ignores: ['src/db/**', 'src/**/store.ts', 'src/**/store/**', 'src/shell/import/atuin.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(prepare|pragma|transaction)$/]',
          message: "SQL belongs in the capability's store module",
        },
        {
          // db.exec('...'): a regex's exec takes a variable, not a literal
          selector: 'CallExpression[callee.property.name="exec"][arguments.0.type=/^(Literal|TemplateLiteral)$/]',
          message: "SQL belongs in the capability's store module",
        },
      ],
    },
  },
  {
    // The MCP front end: the core only; no other front end, and no terminal library (stdout is the protocol's).
    files: ['src/mcp/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/cli/**', '**/cli.js', '**/commands/**', '**/render/**', '**/serve/**'], message: 'front ends never import each other' }],
          paths: TERMINAL_LIBS.map((name) => ({ name, message: 'terminal libraries belong to the CLI' })),
        },
      ],
    },
  },
  {
    files: ['src/cli/**', 'src/commands/**', 'src/render/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/mcp/**', '**/serve/**'], message: 'front ends never import each other' }] }],
    },
  },
  {
    // `mem serve` is the one CLI command that starts another front end: it loads the HTTP server.
    files: ['src/commands/serve.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/mcp/**'], message: 'front ends never import each other' }] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      'no-restricted-syntax': 'off',
    },
  },
);
