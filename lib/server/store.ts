import 'server-only';
import { DiskStore, type CaptureStore } from '../store';
import { serverEnv } from './env';

const KEY = Symbol.for('tracefleet.store');
type Holder = { [KEY]?: Promise<CaptureStore> };

/** The process-wide store (kept on globalThis so dev-mode reloads reuse one database handle). */
export function getStore(): Promise<CaptureStore> {
  const g = globalThis as Holder;
  g[KEY] ??= DiskStore.open(serverEnv().dataDir);
  return g[KEY];
}
