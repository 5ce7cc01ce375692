import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { dropCapture } from './caches';
import { serverEnv } from './env';
import { HttpError } from './http';
import { runHere, type QueryArgs, type QueryName, type QueryResult } from './queries';

/** The query worker, bundled by `npm run build` (scripts/build-worker.mjs). */
export const WORKER_FILE = path.join(process.cwd(), '.next', 'tracefleet-query-worker.js');

interface Job {
  id: number;
  name: QueryName;
  args: unknown[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
  /** Set when the job's client went away or its time ran out. */
  cancelled?: HttpError;
}

interface Slot {
  worker: Worker;
  running: Job | null;
  queue: Job[];
}

/**
 * Worker threads that run the queries reading profiles, so the thread answering requests stays
 * free: a ranking over 1,000 hosts does not hold up anyone's page. A query goes to the worker
 * its capture used last when that one is idle (its caches are warm), else to the least busy;
 * each worker runs one query at a time. A query is dropped from its queue when its client goes
 * away; a running one is stopped by ending its worker (a fresh one takes its place), as is one
 * past TRACEFLEET_QUERY_TIMEOUT_S (503) or past the worker's memory (507): the server lives on.
 */
class QueryPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(private readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const env = serverEnv();
    // Reflect.construct, not `new Worker(…)`: the bundler would try to bundle the worker file,
    // which is built on its own (scripts/build-worker.mjs).
    const worker = Reflect.construct(Worker, [
      WORKER_FILE,
      {
        env: { ...process.env, TRACEFLEET_CACHE_MB: String(Math.max(64, Math.floor(env.TRACEFLEET_CACHE_MB / this.size))) },
        resourceLimits: { maxOldGenerationSizeMb: env.TRACEFLEET_WORKER_MEMORY_MB },
      },
    ]) as Worker;
    const slot: Slot = { worker, running: null, queue: [] };
    worker.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: { status: number; code: string; message: string; extra: { file?: string; line?: number } } }) => {
      const job = slot.running;
      if (!job || job.id !== msg.id) return;
      this.finish(slot, job);
      if (msg.ok) job.resolve(msg.result);
      else job.reject(new HttpError(msg.error?.status ?? 500, msg.error?.code ?? 'internal', msg.error?.message ?? 'internal error', msg.error?.extra ?? {}));
      this.next(slot);
    });
    const died = (err: unknown) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      const job = slot.running;
      const fresh = this.spawn();
      fresh.queue.push(...slot.queue);
      this.slots[i] = fresh;
      if (job) {
        if (job.timer) clearTimeout(job.timer);
        const oom = (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        job.reject(job.cancelled ?? (oom ? new HttpError(507, 'too_much_memory', `the query needed more than ${serverEnv().TRACEFLEET_WORKER_MEMORY_MB} MB (TRACEFLEET_WORKER_MEMORY_MB)`) : new HttpError(503, 'query_failed', 'the query stopped unexpectedly; try again')));
      }
      this.next(fresh);
    };
    worker.on('error', died);
    worker.on('exit', () => died(null));
    return slot;
  }

  run(name: QueryName, args: unknown[], affinity: string, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, name, args, resolve, reject };
      const slot = this.pick(affinity);
      const cancel = (why: HttpError) => {
        job.cancelled = why;
        const i = slot.queue.indexOf(job);
        if (i >= 0) {
          slot.queue.splice(i, 1);
          reject(why);
        } else if (slot.running === job) {
          void slot.worker.terminate();
        }
      };
      signal?.addEventListener('abort', () => cancel(new HttpError(400, 'aborted', 'the request was cancelled')), { once: true });
      const seconds = serverEnv().TRACEFLEET_QUERY_TIMEOUT_S;
      job.timer = setTimeout(() => cancel(new HttpError(503, 'query_timeout', `the query took more than ${seconds} s (TRACEFLEET_QUERY_TIMEOUT_S)`)), seconds * 1000);
      slot.queue.push(job);
      this.next(slot);
    });
  }

  /** Tells every worker to drop a capture's cached profiles and tries (it changed on some replica). */
  evict(captureId: string): void {
    for (const s of this.slots) s.worker.postMessage({ evict: captureId });
  }

  private pick(affinity: string): Slot {
    let h = 0;
    for (let i = 0; i < affinity.length; i++) h = (Math.imul(h, 31) + affinity.charCodeAt(i)) | 0;
    const home = this.slots[Math.abs(h) % this.slots.length] as Slot;
    if (!home.running && home.queue.length === 0) return home;
    return this.slots.reduce((a, b) => (load(b) < load(a) ? b : a), home);
  }

  private next(slot: Slot): void {
    if (slot.running || !this.slots.includes(slot)) return;
    const job = slot.queue.shift();
    if (!job) return;
    slot.running = job;
    slot.worker.postMessage({ id: job.id, name: job.name, args: job.args });
  }

  private finish(slot: Slot, job: Job): void {
    if (job.timer) clearTimeout(job.timer);
    slot.running = null;
  }
}

function load(s: Slot): number {
  return s.queue.length + (s.running ? 1 : 0);
}

const KEY = Symbol.for('tracefleet.pool');

function pool(): QueryPool | null {
  const g = globalThis as { [KEY]?: QueryPool | null };
  if (g[KEY] === undefined) {
    const size = serverEnv().TRACEFLEET_QUERY_WORKERS ?? Math.max(1, Math.min(4, availableParallelism()));
    // `next dev` and the unit tests have no worker bundle: queries run in the server process.
    g[KEY] = existsSync(WORKER_FILE) && size > 0 ? new QueryPool(size) : null;
  }
  return g[KEY];
}

/**
 * Runs a query in a worker (or here, without workers), for the capture in `args[0].id`;
 * `signal` is the request's, so a client that leaves takes its query with it.
 */
export async function runQuery<N extends QueryName>(name: N, args: QueryArgs<N>, signal?: AbortSignal): Promise<QueryResult<N>> {
  const p = pool();
  if (!p) return runHere(name, args);
  const affinity = (args[0] as { id?: string }).id ?? '';
  return (await p.run(name, args as unknown[], affinity, signal)) as QueryResult<N>;
}

/** Drops a changed capture's entries from this process's caches and every query worker's. */
export function evictCapture(captureId: string): void {
  dropCapture(captureId);
  // Only workers already running hold caches: none are started for this.
  (globalThis as { [KEY]?: QueryPool | null })[KEY]?.evict(captureId);
}
