import path from 'node:path';
import { z } from 'zod';

const Env = z.object({
  TRACEFLEET_DATA_DIR: z.string().min(1).default('./data'),
  /**
   * PostgreSQL instead of the embedded store (postgres://user:pass@host:5432/db): every replica
   * given the same URL serves the same captures. Unset: SQLite and files in TRACEFLEET_DATA_DIR.
   */
  TRACEFLEET_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'TRACEFLEET_DATABASE_URL must be a postgres:// URL')
    .optional(),
  /** Schema of the tables (created when missing), so several deployments can share a database. */
  TRACEFLEET_DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'TRACEFLEET_DATABASE_SCHEMA must be a lower-case SQL name')
    .default('public'),
  /** Connections each replica opens at most (each query worker opens a few more). */
  TRACEFLEET_DATABASE_POOL: z.coerce.number().int().min(2).max(500).default(10),
  /** Largest source, after decompression (default 4 GiB): 413 past it. */
  TRACEFLEET_MAX_NODE_BYTES: z.coerce.number().int().positive().default(4 * 2 ** 30),
  /** Largest decompressed / compressed ratio of a gzip upload (compression bombs): 413 past it. */
  TRACEFLEET_MAX_GZIP_RATIO: z.coerce.number().positive().default(200),
  /** Largest source of a format read whole (pprof, speedscope JSON), after decompression (default 256 MiB): 413 past it. */
  TRACEFLEET_MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(256 * 2 ** 20),
  /** Most records (samples, syscalls, context switches) in one source: 422 past it. */
  TRACEFLEET_MAX_RECORDS: z.coerce.number().int().positive().default(25_000_000),
  /** Most distinct frames in one source: 422 past it. */
  TRACEFLEET_MAX_FRAMES: z.coerce.number().int().positive().default(2_000_000),
  /** Bytes all captures may keep on disk (raw and parsed), in GB: 507 past it. Unset: no quota. */
  TRACEFLEET_QUOTA_GB: z.coerce.number().positive().optional(),
  /** Uploads (and fetches) received at once, in all and per client: 429 with Retry-After past them. */
  TRACEFLEET_MAX_UPLOADS: z.coerce.number().int().positive().default(16),
  TRACEFLEET_MAX_UPLOADS_PER_CLIENT: z.coerce.number().int().positive().default(4),
  /** An upload must end within this many seconds, and never go this many without a byte (nor below the rate under): 408. */
  TRACEFLEET_UPLOAD_DEADLINE_S: z.coerce.number().positive().default(3600),
  TRACEFLEET_UPLOAD_IDLE_S: z.coerce.number().positive().default(60),
  /** Slowest average rate over any TRACEFLEET_UPLOAD_IDLE_S window of an upload, in KB/s: 408 below it (0: no floor). */
  TRACEFLEET_UPLOAD_MIN_KBPS: z.coerce.number().min(0).default(8),
  /** Query workers (0: queries run in the server process); default the cores, at most 4. */
  TRACEFLEET_QUERY_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  /** Ingest workers that parse uploads (0: in the server process); default the cores. */
  TRACEFLEET_INGEST_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  /** Heap of each query or ingest worker: a query or upload past it ends with 507 and the worker is replaced. */
  TRACEFLEET_WORKER_MEMORY_MB: z.coerce.number().int().min(64).default(4096),
  /** A query past this many seconds is stopped: 503. */
  TRACEFLEET_QUERY_TIMEOUT_S: z.coerce.number().positive().default(120),
  /** A server-side fetch (POST …/fetch) must end within this many seconds: 408. */
  TRACEFLEET_FETCH_DEADLINE_S: z.coerce.number().positive().default(600),
  /** Memory for parsed profiles and flame trees kept between requests. */
  TRACEFLEET_CACHE_MB: z.coerce.number().int().positive().default(1024),
  /** Let POST …/fetch download from private and local networks (off: only public addresses). */
  TRACEFLEET_FETCH_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
  /**
   * The server's token: when set, every write and the list of all captures need
   * `Authorization: Bearer <token>` (or, for writes to one capture, that capture's upload token).
   * Unset: writes are open to anyone who reaches the server.
   */
  TRACEFLEET_TOKEN: z.string().min(16, 'TRACEFLEET_TOKEN must be at least 16 characters').optional(),
  /**
   * Host names served while writes are open (comma-separated, `*` for any), besides loopback
   * names; requests for others get 403 (DNS rebinding). With a token every Host is served.
   */
  TRACEFLEET_ALLOWED_HOSTS: z.string().optional(),
  /** Lifetime of the upload token a new capture gets. */
  TRACEFLEET_UPLOAD_TOKEN_DAYS: z.coerce.number().positive().max(3650).default(7),
  /** Captures older than this are deleted (unset: kept forever). */
  TRACEFLEET_RETENTION_DAYS: z.coerce.number().positive().optional(),
});

export type ServerEnv = z.infer<typeof Env> & { dataDir: string };

let cached: ServerEnv | null = null;

/** Validated configuration from the environment (read once). */
export function serverEnv(): ServerEnv {
  if (cached) return cached;
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) throw new Error(`bad tracefleet configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  cached = { ...parsed.data, dataDir: path.resolve(parsed.data.TRACEFLEET_DATA_DIR) };
  return cached;
}
