import 'server-only';
import { isMainThread } from 'node:worker_threads';
import { DiskStore, type CaptureStore } from '../store';
import { serverEnv } from './env';

const KEY = Symbol.for('tracefleet.store');
type Holder = { [KEY]?: Promise<CaptureStore> };

/**
 * The process-wide store (kept on globalThis so dev-mode reloads reuse one database handle); in
 * a query worker, a read-only connection to the same data.
 */
export function getStore(): Promise<CaptureStore> {
  const g = globalThis as Holder;
  g[KEY] ??= isMainThread ? DiskStore.open(serverEnv().dataDir) : Promise.resolve(DiskStore.openReader(serverEnv().dataDir));
  return g[KEY];
}
