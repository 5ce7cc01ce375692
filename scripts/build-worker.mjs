// Bundles the query worker (lib/server/worker/entry.ts) into .next/, after `next build`: a
// worker thread needs a file of its own, and Next.js bundles route code into chunks.
import { build } from 'esbuild';

await build({
  entryPoints: ['lib/server/worker/entry.ts'],
  outfile: '.next/tracefleet-query-worker.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // The native SQLite binding and pg load from node_modules at run time.
  external: ['better-sqlite3', 'pg'],
  // `server-only` guards server code from client bundles; a worker is server code.
  alias: { 'server-only': './lib/server/worker/server-only-shim.ts' },
  logLevel: 'warning',
});
console.log('built .next/tracefleet-query-worker.js');
