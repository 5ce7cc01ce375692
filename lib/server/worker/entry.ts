/**
 * A query worker: answers one query at a time for the server process (lib/server/pool.ts),
 * reading the store on its own read-only connection and keeping its own caches.
 */
import { parentPort } from 'node:worker_threads';
import { toHttpError } from '../http';
import { runHere, type QueryName } from '../queries';

interface Task {
  id: number;
  name: QueryName;
  args: unknown[];
}

parentPort?.on('message', (task: Task) => {
  runHere(task.name, task.args as never).then(
    (result) => parentPort?.postMessage({ id: task.id, ok: true, result }),
    (err: unknown) => {
      const h = toHttpError(err);
      if (h.code === 'internal') console.error('tracefleet: query failed in a worker', err);
      parentPort?.postMessage({ id: task.id, ok: false, error: { status: h.status, code: h.code, message: h.message, extra: h.extra } });
    },
  );
});
