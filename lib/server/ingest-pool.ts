import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { serverEnv } from './env';
import { HttpError } from './http';
import { ChunkQueue, parseSource, type ParseJobOptions, type ParseJobResult } from './parse-job';
import { WORKER_FILE } from './pool';

/** Bytes sent to a worker and not yet taken by its parser: past this, the upload waits (backpressure). */
const MAX_IN_FLIGHT = 16 << 20;

/** One upload being parsed: push its bytes (pieces of about 1 MB), end it, await the result; cancel on failure. */
export interface ParseJob {
  push(chunk: Uint8Array): Promise<void>;
  end(): void;
  cancel(): void;
  readonly result: Promise<ParseJobResult>;
}

/** Messages of the ingest protocol on a job's port. */
export type ToWorker = { bytes: Uint8Array } | { end: true } | { cancel: true };
export type FromWorker = { took: number } | { done: ParseJobResult } | { error: { status: number; code: string; message: string; extra: { file?: string; line?: number } } };

interface Slot {
  worker: Worker;
  jobs: Set<(err: HttpError) => void>;
}

/**
 * Worker threads that parse uploads, as many as there are cores: the thread answering requests
 * only receives bytes and writes them to the store, so four uploads at once keep both cores
 * busy and the pages stay responsive. A worker parses several uploads at once (interleaved a
 * chunk at a time), so none waits for another to end — an agent streaming live for minutes
 * holds no other upload back; a new upload goes to the worker with the fewest. (Parsing one
 * upload per worker and queueing the rest bounded memory better, 1.0 GB instead of 1.3 GB for
 * four 1 GB uploads, but a long-lived stream then starved every upload behind it.) A worker
 * that dies (out of memory) fails its uploads (507) and is replaced.
 */
class IngestPool {
  private readonly slots: Slot[] = [];

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const env = serverEnv();
    const worker = Reflect.construct(Worker, [WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: env.TRACEFLEET_WORKER_MEMORY_MB } }]) as Worker;
    const slot: Slot = { worker, jobs: new Set() };
    const died = (err: unknown) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots[i] = this.spawn();
      const oom = (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const why = oom
        ? new HttpError(507, 'too_much_memory', `parsing needed more than ${env.TRACEFLEET_WORKER_MEMORY_MB} MB (TRACEFLEET_WORKER_MEMORY_MB)`)
        : new HttpError(503, 'parse_failed', 'the parser stopped unexpectedly; send the capture again');
      for (const fail of slot.jobs) fail(why);
      slot.jobs.clear();
    };
    worker.on('error', died);
    worker.on('exit', () => died(null));
    // Idle workers do not keep the process alive.
    worker.unref();
    return slot;
  }

  start(opts: ParseJobOptions): ParseJob {
    const slot = this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const { port1, port2 } = new MessageChannel();
    let settle!: { resolve: (r: ParseJobResult) => void; reject: (e: unknown) => void };
    const result = new Promise<ParseJobResult>((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => undefined); // the caller awaits it; never an unhandled rejection
    let inFlight = 0;
    let waiting: (() => void) | null = null;
    let done = false;
    const finish = () => {
      done = true;
      slot.jobs.delete(fail);
      port1.close();
      waiting?.();
    };
    const fail = (err: HttpError) => {
      if (done) return;
      finish();
      settle.reject(err);
    };
    slot.jobs.add(fail);
    port1.on('message', (msg: FromWorker) => {
      if ('took' in msg) {
        inFlight -= msg.took;
        if (inFlight <= MAX_IN_FLIGHT / 2 && waiting) {
          const w = waiting;
          waiting = null;
          w();
        }
      } else if ('done' in msg) {
        finish();
        settle.resolve(msg.done);
      } else {
        finish();
        settle.reject(new HttpError(msg.error.status, msg.error.code, msg.error.message, msg.error.extra));
      }
    });
    slot.worker.postMessage({ ingest: { port: port2, opts } }, [port2]);

    const send = (bytes: Uint8Array) => {
      inFlight += bytes.length;
      port1.postMessage({ bytes } satisfies ToWorker, [bytes.buffer as ArrayBuffer]);
    };
    return {
      result,
      push: async (chunk) => {
        if (done) return;
        // A copy goes (its buffer moves to the worker): the caller's piece is also on its way to the store.
        send(chunk.slice());
        if (inFlight > MAX_IN_FLIGHT && !done) await new Promise<void>((r) => (waiting = r));
      },
      end: () => {
        if (done) return;
        port1.postMessage({ end: true } satisfies ToWorker);
      },
      cancel: () => {
        if (done) return;
        port1.postMessage({ cancel: true } satisfies ToWorker);
        fail(new HttpError(400, 'aborted', 'the upload was cancelled'));
      },
    };
  }
}

/** The same job in this process (no worker bundle: `next dev`, unit tests). */
function localJob(opts: ParseJobOptions): ParseJob {
  const queue = new ChunkQueue();
  // The same bound on bytes waiting for the parser as with a worker.
  let queued = 0;
  let room: (() => void) | null = null;
  queue.onTake = (n) => {
    queued -= n;
    if (queued <= MAX_IN_FLIGHT / 2 && room) {
      const r = room;
      room = null;
      r();
    }
  };
  const result = parseSource(queue, opts);
  result.catch(() => undefined);
  const release = () => room?.();
  result.then(release, release);
  return {
    result,
    push: async (chunk) => {
      // Read only, like the store's copy of the same piece: no second copy (a worker needs one, its buffer moves).
      queue.push(chunk);
      queued += chunk.length;
      if (queued > MAX_IN_FLIGHT) await new Promise<void>((r) => (room = r));
    },
    end: () => queue.end(),
    cancel: () => queue.fail(new HttpError(400, 'aborted', 'the upload was cancelled')),
  };
}

const KEY = Symbol.for('tracefleet.ingest-pool');

function pool(): IngestPool | null {
  const g = globalThis as { [KEY]?: IngestPool | null };
  if (g[KEY] === undefined) {
    const size = serverEnv().TRACEFLEET_INGEST_WORKERS ?? Math.max(1, availableParallelism());
    g[KEY] = existsSync(WORKER_FILE) && size > 0 ? new IngestPool(size) : null;
  }
  return g[KEY];
}

/** Starts parsing an upload: in an ingest worker when the server has them, else here. */
export function startParseJob(opts: ParseJobOptions): ParseJob {
  return pool()?.start(opts) ?? localJob(opts);
}

/** The worker side of a job: bytes from the port into the parser, the result back. */
export function serveParseJob(port: MessagePort, opts: ParseJobOptions, errorOf: (err: unknown) => Extract<FromWorker, { error: unknown }>['error']): void {
  const queue = new ChunkQueue();
  queue.onTake = (n) => port.postMessage({ took: n } satisfies FromWorker);
  port.on('message', (msg: ToWorker) => {
    if ('bytes' in msg) queue.push(msg.bytes);
    else if ('end' in msg) queue.end();
    else queue.fail(new HttpError(400, 'aborted', 'the upload was cancelled'));
  });
  parseSource(queue, opts).then(
    (done) => {
      // Columns travel without a copy when a chunk is its whole buffer; anything else is cloned.
      const buffers = new Set<ArrayBuffer>();
      for (const c of done.encoded) if (c.byteOffset === 0 && c.byteLength === c.buffer.byteLength && c.byteLength >= 65536) buffers.add(c.buffer as ArrayBuffer);
      port.postMessage({ done } satisfies FromWorker, [...buffers]);
      port.close();
    },
    (err: unknown) => {
      port.postMessage({ error: errorOf(err) } satisfies FromWorker);
      port.close();
    },
  );
}
