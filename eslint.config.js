// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const infrastructure = ['koa', '@koa/*', 'drizzle-orm', 'drizzle-orm/*', 'postgres', '@electric-sql/*', 'ws',
  'dingtalk-stream', '@wecom/crypto', 'pino', 'node-cron', 'exceljs', 'prom-client', 'echarts', 'echarts/*', '@resvg/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'migrations/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The core never touches infrastructure or adapters (ARCHITECTURE §2). test/unit/boundaries.test.ts checks the same.
    files: ['src/domain/**/*.ts', 'src/replies/**/*.ts', 'cards/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: infrastructure, message: 'The core must not import infrastructure (ARCHITECTURE §2).' },
          { group: ['**/adapters/**', '**/db/**', '**/http/**', '**/outbox/**', '**/jobs/**', '**/cli/**'],
            message: 'The core must not import adapters or infrastructure (ARCHITECTURE §2).' },
        ],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
