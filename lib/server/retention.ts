import { serverEnv } from './env';
import { liveHub } from './live';
import { getStore } from './store';

const HOUR_MS = 3_600_000;

/** Deletes the captures older than TRACEFLEET_RETENTION_DAYS; returns how many went. */
export async function applyRetention(now = Date.now()): Promise<number> {
  const days = serverEnv().TRACEFLEET_RETENTION_DAYS;
  if (!days) return 0;
  const store = await getStore();
  const old = await store.capturesBefore(new Date(now - days * 86_400_000).toISOString());
  for (const id of old) {
    await store.deleteCapture(id);
    liveHub().changed(id);
  }
  return old.length;
}

/** What the server says when it starts, and the hourly retention sweep. */
export function startServerTasks(): void {
  const env = serverEnv();
  // The store opens now, not at the first request: a folder another server holds is an error at start.
  getStore().catch((err: unknown) => {
    console.error(`tracefleet: cannot open the store: ${(err as Error).message}`);
    process.exit(1);
  });
  if (!env.TRACEFLEET_TOKEN) {
    console.warn('tracefleet: TRACEFLEET_TOKEN is not set: writes are open — anyone who can reach this server can create, upload to, rename and delete captures, and list them all.');
  } else {
    console.log('tracefleet: writes and the capture list need the server token (or a capture upload token for its own capture).');
  }
  if (env.TRACEFLEET_RETENTION_DAYS) {
    console.log(`tracefleet: captures older than ${env.TRACEFLEET_RETENTION_DAYS} days are deleted (checked hourly).`);
    const sweep = () =>
      applyRetention().then(
        (n) => n > 0 && console.log(`tracefleet: retention deleted ${n} capture(s)`),
        (err: unknown) => console.error('tracefleet: retention sweep failed', err),
      );
    void sweep();
    setInterval(sweep, HOUR_MS).unref();
  }
}
