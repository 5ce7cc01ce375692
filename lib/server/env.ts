import path from 'node:path';
import { z } from 'zod';

const Env = z.object({
  TRACEFLEET_DATA_DIR: z.string().min(1).default('./data'),
  /** Largest capture per node, after decompression (default 64 GiB). */
  TRACEFLEET_MAX_NODE_BYTES: z.coerce.number().int().positive().default(64 * 2 ** 30),
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
