// Starts the built app (`npm start`: server.mjs) on a fresh data folder for the e2e run.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const port = process.env.E2E_PORT ?? '3210';
const dataDir = process.env.E2E_DATA_DIR ?? '.e2e-data';
if (!process.argv.includes('--keep-data')) rmSync(dataDir, { recursive: true, force: true });
const child = spawn(process.execPath, ['server.mjs'], {
  stdio: 'inherit',
  env: { ...process.env, PORT: port, TRACEFLEET_HOST: '127.0.0.1', TRACEFLEET_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1' },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
