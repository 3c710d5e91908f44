// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import path from 'node:path';

const coreDir = path.resolve('src/core');

/** Keeps src/core pure: it may import only other files inside src/core (no packages, no node: builtins). */
const pureCore = {
  rules: {
    'core-imports-only-core': {
      meta: { type: 'problem', schema: [], messages: { outside: "src/core must stay pure: '{{source}}' is outside src/core" } },
      create(context) {
        const check = (node) => {
          if (!node.source || typeof node.source.value !== 'string') return;
          const source = node.source.value;
          const resolved = source.startsWith('.') ? path.resolve(path.dirname(context.filename), source) : undefined;
          if (resolved === undefined || !(resolved === coreDir || resolved.startsWith(coreDir + path.sep))) {
            context.report({ node, messageId: 'outside', data: { source } });
          }
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.node/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    plugins: { 'energy-ledger': pureCore },
    rules: { 'energy-ledger/core-imports-only-core': 'error' },
  },
);
