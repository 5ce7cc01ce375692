// ESLint flat config: Next's rules, typescript-eslint, and the layering rules of GUIDE.md §2
// (who may import whom), enforced per folder with no-restricted-imports.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const layer = (files, forbidden, why) => ({
  files,
  ignores: ['**/*.test.ts', '**/contract.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((group) => ({ group: [group, `@/${group.replace(/^(\.\.\/)+/, '')}`], message: why })),
      },
    ],
  },
});

const ours = (names) =>
  names.flatMap((n) => [`**/lib/${n}`, `**/lib/${n}/**`, `@/lib/${n}`, `@/lib/${n}/**`, `../${n}`, `../${n}/**`, `../../${n}`, `../../${n}/**`]);

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores(['.next/**', 'node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts']),
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lib/util/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '@/*'], message: 'lib/util imports nothing of ours' }] }] },
  },
  layer(['lib/profile/**'], [...ours(['parse', 'store', 'api', 'server', 'viz', 'client']), 'zod', 'react', 'next', 'next/*', 'node:*', 'd3', 'd3-*'], 'lib/profile is the model: it imports only lib/util (no Node, DOM, React, Next or zod)'),
  layer(['lib/parse/**'], ours(['store', 'api', 'server', 'viz', 'client']), 'lib/parse imports only lib/profile and lib/util'),
  layer(['lib/store/**'], ours(['parse', 'server', 'viz', 'client']), 'lib/store imports lib/profile, lib/api and lib/util'),
  layer(['lib/api/**'], ours(['parse', 'store', 'server', 'viz', 'client']), 'lib/api holds the zod contract and imports only lib/util and lib/profile types'),
  layer(['lib/server/**'], ours(['viz', 'client']), 'lib/server is server-only: no client or display code'),
  layer(['lib/viz/**'], ours(['parse', 'store', 'server', 'client', 'profile']), 'lib/viz is pure display maths over lib/api types'),
  layer(['lib/client/**'], ours(['parse', 'store', 'server', 'profile']), 'lib/client talks to the server through lib/api only'),
  layer(['components/**'], ours(['parse', 'store', 'server', 'profile']), 'components never import server, store, parse or model code'),
  layer(['app/**'], ours(['parse', 'store', 'profile', 'client']), 'app/ holds thin pages and route handlers: queries live in lib/server, the contract in lib/api'),
  layer(['e2e/**'], ours(['parse', 'store', 'server', 'profile', 'client', 'viz']), 'e2e tests talk to the app over HTTP and through the browser'),
]);
