/**
 * Background work: what each kind of job does, and how one is started. On PostgreSQL a job is a
 * row any replica may claim (lib/server/jobs-pg.ts: a dead replica's job is taken over); on the
 * embedded store it runs in this process at once.
 */
import { z } from 'zod';
import { FetchBody, NodeName } from '../api/schemas';
import { DERIVATION_RULES } from '../profile/types';
import { serverEnv } from './env';
import { openUrl } from './fetch-url';
import { toHttpError } from './http';
import { ingestSource } from './ingest';
import { liveHub } from './live';
import type { JobKind, PgJobRunner } from './jobs-pg';
import { sharedStore } from './store';

/** A server-side fetch as a job: the capture and host it goes to, and the request's body. */
export const FetchJob = FetchBody.extend({ captureId: z.string(), node: NodeName });
export type FetchJob = z.infer<typeof FetchJob>;

/** Downloads a URL into a host's source, as POST …/fetch does, within TRACEFLEET_FETCH_DEADLINE_S. */
async function runFetch(payload: unknown): Promise<void> {
  const job = FetchJob.parse(payload);
  const env = serverEnv();
  const signal = AbortSignal.timeout(env.TRACEFLEET_FETCH_DEADLINE_S * 1000);
  const opened = await openUrl(job.url, env.TRACEFLEET_FETCH_ALLOW_PRIVATE === '1', { signal, maxBytes: env.TRACEFLEET_MAX_NODE_BYTES }).catch((err: unknown) => {
    // Nothing was received: the capture's live view still hears why.
    const h = toHttpError(err);
    liveHub().begin(job.captureId, job.node, job.source ?? null).failed({ code: h.code, message: `fetching ${job.url}: ${h.message}` });
    throw err;
  });
  const { body, name } = opened;
  const stop = () => body.destroy(new Error('fetch deadline'));
  signal.addEventListener('abort', stop, { once: true });
  try {
    await ingestSource(job.captureId, job.node, job.source ?? null, body, { fileName: name, arch: job.arch, client: 'jobs' });
  } finally {
    signal.removeEventListener('abort', stop);
    body.destroy();
  }
}

/**
 * Stored profiles made under older derivation rules, parsed again from their raw uploads and
 * written back (one pass after an upgrade; reads re-derive them meanwhile). A replica that
 * takes the job over skips what is done already.
 */
async function runReparse(): Promise<void> {
  const { rederive, stale } = await import('./profiles');
  const store = await sharedStore();
  if (!store) return;
  for (const s of await store.allSources()) {
    const loaded = await store.getProfile(s.captureId, s.node, s.name);
    if (!loaded || loaded.version !== s.version || !stale(loaded.profile)) continue;
    const capture = await store.getCapture(s.captureId);
    const summary = capture?.nodes.find((n) => n.name === s.node)?.sources.find((x) => x.name === s.name);
    if (!summary) continue;
    await store.rewriteProfile(s.captureId, s.node, s.name, s.version, await rederive(s.captureId, s.node, summary, loaded.profile));
  }
}

async function runRetention(): Promise<void> {
  const { applyRetention } = await import('./retention');
  const n = await applyRetention();
  if (n > 0) console.log(`tracefleet: retention deleted ${n} capture(s)`);
}

export const JOB_KINDS: Record<string, JobKind> = {
  fetch: { run: runFetch, retryS: 30, maxAttempts: 3 },
  reparse: { run: runReparse, retryS: 300, maxAttempts: 5 },
  retention: { run: runRetention, everyS: 3600 },
};

/** The one-off reparse job of the current rules (a new DERIVATION_RULES makes a new one). */
export const REPARSE_JOB = `reparse-rules-${DERIVATION_RULES}`;

const KEY = Symbol.for('tracefleet.jobs');

export function setJobRunner(runner: PgJobRunner): void {
  (globalThis as { [KEY]?: PgJobRunner })[KEY] = runner;
}

/** Starts a job: a row for any replica on PostgreSQL, else right here. Its id. */
export async function enqueue(kind: keyof typeof JOB_KINDS, payload: unknown): Promise<string> {
  const runner = (globalThis as { [KEY]?: PgJobRunner })[KEY];
  if (runner) return runner.enqueue(kind, payload);
  const id = `local-${Date.now().toString(36)}`;
  void (JOB_KINDS[kind] as JobKind).run(payload).catch((err: unknown) => console.error(`tracefleet: ${kind} job failed: ${(err as Error).message}`));
  return id;
}
