import 'server-only';
import { isMainThread } from 'node:worker_threads';
import { DiskStore, type CaptureStore } from '../store';
import { PgStore } from '../store/pg-store';
import { serverEnv } from './env';

const KEY = Symbol.for('tracefleet.store');
type Holder = { [KEY]?: Promise<CaptureStore> };

/**
 * The process-wide store (kept on globalThis so dev-mode reloads reuse one handle): PostgreSQL
 * when TRACEFLEET_DATABASE_URL is set (the server process applies migrations; a query worker
 * only reads, on a small pool of its own), else the embedded store (in a query worker, a
 * read-only connection to the same data).
 */
export function getStore(): Promise<CaptureStore> {
  const g = globalThis as Holder;
  // A store that could not open (the database is down) is tried again by the next request.
  g[KEY] ??= openStore().catch((err: unknown) => {
    delete g[KEY];
    throw err;
  });
  return g[KEY];
}

function openStore(): Promise<CaptureStore> {
  const env = serverEnv();
  if (env.TRACEFLEET_DATABASE_URL) {
    const url = env.TRACEFLEET_DATABASE_URL;
    const schema = env.TRACEFLEET_DATABASE_SCHEMA;
    return isMainThread ? PgStore.open({ url, schema, poolSize: env.TRACEFLEET_DATABASE_POOL }) : PgStore.open({ url, schema, poolSize: 3, migrate: false });
  }
  return isMainThread ? DiskStore.open(env.dataDir) : Promise.resolve(DiskStore.openReader(env.dataDir));
}

/** The PostgreSQL store when the server runs on one (live events and jobs go through it), else null. */
export async function sharedStore(): Promise<PgStore | null> {
  const s = await getStore();
  // By its mark, not `instanceof`: the route bundles and the start-up code may each have a copy of the class.
  return (s as Partial<PgStore>).kind === 'postgres' ? (s as PgStore) : null;
}
