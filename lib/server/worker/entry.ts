/**
 * A worker of the server process: a query worker answers one query at a time
 * (lib/server/pool.ts), reading the store on its own read-only connection and keeping its own
 * caches; an ingest worker parses uploads (lib/server/ingest-pool.ts), each on its own port.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { dropCapture } from '../caches';
import { toHttpError } from '../http';
import { serveParseJob } from '../ingest-pool';
import type { ParseJobOptions } from '../parse-job';
import { runHere, type QueryName } from '../queries';

interface Task {
  id: number;
  name: QueryName;
  args: unknown[];
}

const errorOf = (err: unknown) => {
  const h = toHttpError(err);
  if (h.code === 'internal') console.error('tracefleet: failed in a worker', err);
  return { status: h.status, code: h.code, message: h.message, extra: h.extra };
};

parentPort?.on('message', (task: Task | { ingest: { port: MessagePort; opts: ParseJobOptions } } | { evict: string }) => {
  if ('evict' in task) {
    dropCapture(task.evict);
    return;
  }
  if ('ingest' in task) {
    serveParseJob(task.ingest.port, task.ingest.opts, errorOf);
    return;
  }
  runHere(task.name, task.args as never).then(
    (result) => parentPort?.postMessage({ id: task.id, ok: true, result }),
    (err: unknown) => parentPort?.postMessage({ id: task.id, ok: false, error: errorOf(err) }),
  );
});
