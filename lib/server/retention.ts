import { serverEnv } from './env';
import { liveHub } from './live';
import { PgJobRunner } from './jobs-pg';
import { PgLiveBus } from './live-pg';
import { getStore, sharedStore } from './store';

const HOUR_MS = 3_600_000;
const READY = Symbol.for('tracefleet.ready');

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
export async function startServerTasks(): Promise<void> {
  const env = serverEnv();
  if (env.TRACEFLEET_DATABASE_URL) {
    // Requests wait for the first attempt to open the database (migrations applied); if it is
    // down, they are served (503) while the shared tasks keep trying.
    await sharedStore().catch(() => null);
    void startSharedTasks(env.TRACEFLEET_DATABASE_URL);
  } else {
    // The store opens now, before the first request is served: a folder another server holds is
    // an error at start, never a server that answers and then dies.
    await getStore().catch((err: unknown) => {
      console.error(`tracefleet: cannot open the store: ${(err as Error).message}`);
      process.exit(1);
    });
  }
  // server.mjs holds requests until now (on PostgreSQL they get 503 until the database answers).
  (globalThis as { [READY]?: { resolve: () => void } })[READY]?.resolve();
  if (!env.TRACEFLEET_TOKEN) {
    console.warn('tracefleet: TRACEFLEET_TOKEN is not set: writes are open — anyone who can reach this server can create, upload to, rename and delete captures, and list them all.');
  } else {
    console.log('tracefleet: writes and the capture list need the server token (or a capture upload token for its own capture).');
  }
  if (env.TRACEFLEET_RETENTION_DAYS && !env.TRACEFLEET_DATABASE_URL) {
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

/**
 * On PostgreSQL: open the store (waiting for the database if it is not up yet: requests get 503
 * meanwhile), then live events through the database, and background work as jobs any replica
 * may claim (retention hourly, the reparse after an upgrade, server-side fetches).
 */
async function startSharedTasks(url: string): Promise<void> {
  const env = serverEnv();
  let store = null;
  for (let delay = 1000; !store; delay = Math.min(10_000, delay * 2)) {
    store = await sharedStore().catch((err: unknown) => {
      console.error(`tracefleet: cannot open the database yet (${(err as Error).message}); retrying`);
      return null;
    });
    if (!store) await new Promise((r) => setTimeout(r, delay));
  }
  const bus = new PgLiveBus(store, url, (captureId, event) => liveHub().deliver(captureId, event));
  liveHub().attach(bus);
  bus.start();
  console.log(`tracefleet: PostgreSQL store (schema ${store.schema}); replica ${bus.replica}: live events and jobs shared with every replica of this database.`);
  const { JOB_KINDS, REPARSE_JOB, setJobRunner } = await import('./jobs');
  const jobs = new PgJobRunner(store, bus.replica, JOB_KINDS);
  setJobRunner(jobs);
  if (env.TRACEFLEET_RETENTION_DAYS) {
    console.log(`tracefleet: captures older than ${env.TRACEFLEET_RETENTION_DAYS} days are deleted (checked hourly, by one replica).`);
    await jobs.ensure('retention').catch(() => undefined);
  }
  await jobs.ensure('reparse', REPARSE_JOB).catch(() => undefined);
  jobs.start();
}
