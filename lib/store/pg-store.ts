/**
 * The scale-out store: everything in one PostgreSQL database, so any number of app replicas
 * serve any request. Metadata in tables; raw uploads and encoded profiles as blobs of 1 MiB
 * rows (`blob_chunks`), written as they arrive and read back one row at a time, never a whole
 * blob in one statement. A blob belongs to nobody until the one transaction that points a
 * source at it; blobs a dead replica was writing lose their lease and are collected, as do the
 * blobs a re-upload replaced (after a lease, so downloads already reading them end whole).
 */
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { decodeProfile, encodeProfile } from '../profile/serialize';
import { concatBytes } from '../util/bytes';
import type { Profile } from '../profile/types';
import { rawStream, rawWriterTo, type RawEncoding } from './raw-file';
import { groupByNode, newCaptureId, newVersion, parseSummary, tokenOf, type TokenRow } from './records';
import { NotFoundError, type CaptureListItem, type CaptureRecord, type CaptureStore, type SourceSummary, type SourceUpload, type TokenRecord } from './types';

/** Rows of a blob hold this much (the last one less). */
export const CHUNK_BYTES = 1 << 20;
/** An unfinished blob nobody has written to for this long is a dead writer's: collected. */
const BLOB_LEASE = '5 minutes';

/**
 * Migrations in order; the database records how many it has applied. Each runs once, in a
 * transaction, under an advisory lock: replicas starting together on an empty database wait
 * for the first to finish, then find nothing left to do.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE captures (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     created_at TEXT NOT NULL,
     seq BIGSERIAL
   );
   CREATE INDEX captures_by_time ON captures (created_at DESC, seq DESC);
   CREATE TABLE blobs (
     id BIGSERIAL PRIMARY KEY,
     bytes BIGINT NOT NULL DEFAULT 0,
     committed BOOLEAN NOT NULL DEFAULT FALSE,
     lease_until TIMESTAMPTZ NOT NULL DEFAULT now() + interval '${BLOB_LEASE}'
   );
   CREATE INDEX blobs_unfinished ON blobs (lease_until) WHERE NOT committed;
   CREATE TABLE blob_chunks (
     blob_id BIGINT NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     data BYTEA NOT NULL,
     PRIMARY KEY (blob_id, seq)
   );
   CREATE TABLE sources (
     capture_id TEXT NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
     node TEXT NOT NULL,
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     summary TEXT NOT NULL,
     samples BIGINT NOT NULL,
     stored_bytes BIGINT NOT NULL,
     raw_encoding TEXT NOT NULL,
     raw_bytes BIGINT NOT NULL,
     raw_blob BIGINT NOT NULL REFERENCES blobs (id),
     profile_blob BIGINT NOT NULL REFERENCES blobs (id),
     PRIMARY KEY (capture_id, node, name)
   );
   CREATE TABLE tokens (
     id TEXT PRIMARY KEY,
     capture_id TEXT NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
     secret_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     revoked BOOLEAN NOT NULL DEFAULT FALSE
   );
   CREATE INDEX tokens_by_capture ON tokens (capture_id);`,
  // Ingests in flight on every replica, with a heartbeat: a replica that dies leaves rows whose
  // heartbeat stops, and any other replica marks them failed.
  `CREATE TABLE ingests (
     id TEXT PRIMARY KEY,
     capture_id TEXT NOT NULL,
     replica TEXT NOT NULL,
     state JSONB NOT NULL,
     finished BOOLEAN NOT NULL DEFAULT FALSE,
     heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
     updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE INDEX ingests_by_capture ON ingests (capture_id, updated_at);
   CREATE INDEX ingests_open ON ingests (heartbeat_at) WHERE NOT finished;
   CREATE TABLE jobs (
     id BIGSERIAL PRIMARY KEY,
     kind TEXT NOT NULL,
     singleton TEXT UNIQUE,
     payload JSONB NOT NULL DEFAULT '{}',
     run_at TIMESTAMPTZ NOT NULL DEFAULT now(),
     locked_by TEXT,
     locked_until TIMESTAMPTZ,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     done_at TIMESTAMPTZ
   );
   CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;`,
];

const MIGRATION_LOCK = 0x7472_6163; // "trac"

export interface PgStoreOptions {
  readonly url: string;
  /** Schema holding the tables (created when missing); default `public`. */
  readonly schema?: string;
  /** Connections at most (default 10). */
  readonly poolSize?: number;
  /** Apply migrations (the server process); query workers only read. Default true. */
  readonly migrate?: boolean;
}

/** PostgreSQL is down or unreachable: requests get 503 and may try again. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the database is unavailable (${(cause as Error)?.message ?? String(cause)})`);
    this.name = 'StoreUnavailableError';
  }
}

/** Connection-class failures (refused, reset, server shutting down, too many clients). */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(e.code ?? '')) return true;
  // Class 08 (connection exception), 57P01-03 (shutdown, cannot connect now), 53300 (too many connections).
  if (/^(08|57P0[1-3]|53300)/.test(e.code ?? '')) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message ?? '');
}

/** A failure as callers should see it: StoreUnavailableError when the connection is the problem. */
function storeError(err: unknown): unknown {
  return err instanceof StoreUnavailableError || !isUnavailable(err) ? err : new StoreUnavailableError(err);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class PgStore implements CaptureStore {
  /** What `sharedStore()` checks: Next.js may load this module twice, so `instanceof` can lie. */
  readonly kind = 'postgres' as const;

  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  static async open(opts: PgStoreOptions): Promise<PgStore> {
    const schema = opts.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) throw new Error(`not a schema name: ${schema}`);
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      options: `-c search_path=${schema}`,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection the server dropped (a restart) must not crash the process.
    pool.on('error', () => undefined);
    const store = new PgStore(pool, schema);
    if (opts.migrate !== false) await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS tracefleet_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM tracefleet_migrations');
      for (let v = (rows[0]?.v ?? 0) + 1; v <= MIGRATIONS.length; v++) {
        await c.query(MIGRATIONS[v - 1] as string);
        await c.query('INSERT INTO tracefleet_migrations (version) VALUES ($1)', [v]);
      }
    });
    await this.collectGarbage();
  }

  /** Blobs whose writer stopped (lease over) and never committed them. */
  async collectGarbage(): Promise<number> {
    const { rowCount } = await this.q(`DELETE FROM blobs WHERE NOT committed AND lease_until < now()`);
    return rowCount ?? 0;
  }

  async createCapture(name: string): Promise<CaptureRecord> {
    const id = newCaptureId();
    const createdAt = new Date().toISOString();
    await this.q('INSERT INTO captures (id, name, created_at) VALUES ($1, $2, $3)', [id, name, createdAt]);
    return { id, name, createdAt, nodes: [] };
  }

  async getCapture(id: string): Promise<CaptureRecord | null> {
    const { rows } = await this.q<{ id: string; name: string; created_at: string }>('SELECT id, name, created_at FROM captures WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return null;
    const sources = (await this.q<{ summary: string }>('SELECT summary FROM sources WHERE capture_id = $1', [id])).rows.map(parseSummary);
    return { id: row.id, name: row.name, createdAt: row.created_at, nodes: groupByNode(sources) };
  }

  async listCaptures(limit: number, ids?: readonly string[]): Promise<CaptureListItem[]> {
    const { rows } = await this.q<{ id: string; name: string; created_at: string; node_count: string; source_count: string; samples: string }>(
      `SELECT c.id, c.name, c.created_at, COUNT(DISTINCT s.node) AS node_count, COUNT(s.name) AS source_count, COALESCE(SUM(s.samples), 0) AS samples
       FROM captures c LEFT JOIN sources s ON s.capture_id = c.id
       ${ids ? 'WHERE c.id = ANY($2)' : ''}
       GROUP BY c.id ORDER BY c.created_at DESC, c.seq DESC LIMIT $1`,
      ids ? [limit, ids] : [limit],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, nodeCount: Number(r.node_count), sourceCount: Number(r.source_count), samples: Number(r.samples) }));
  }

  async renameCapture(id: string, name: string): Promise<boolean> {
    return ((await this.q('UPDATE captures SET name = $2 WHERE id = $1', [id, name])).rowCount ?? 0) > 0;
  }

  async deleteCapture(id: string): Promise<boolean> {
    return this.tx(async (c) => {
      const blobs = await c.query<{ raw_blob: string; profile_blob: string }>('SELECT raw_blob, profile_blob FROM sources WHERE capture_id = $1', [id]);
      const deleted = ((await c.query('DELETE FROM captures WHERE id = $1', [id])).rowCount ?? 0) > 0;
      await deleteBlobs(c, blobs.rows);
      return deleted;
    });
  }

  async usage(): Promise<number> {
    return Number((await this.q<{ n: string }>('SELECT COALESCE(SUM(stored_bytes), 0) AS n FROM sources')).rows[0]?.n ?? 0);
  }

  async capturesBefore(isoTime: string): Promise<string[]> {
    return (await this.q<{ id: string }>('SELECT id FROM captures WHERE created_at < $1', [isoTime])).rows.map((r) => r.id);
  }

  async beginSourceUpload(captureId: string, node: string): Promise<SourceUpload> {
    if ((await this.q('SELECT 1 FROM captures WHERE id = $1', [captureId])).rowCount === 0) throw new NotFoundError('capture');
    const raw = await this.newBlob();
    const writer = rawWriterTo(
      () => raw.stream(),
      () => raw.finish(),
    );
    let closed = false;
    return {
      write: async (chunk) => {
        if (!closed) await writer.write(chunk);
      },
      commit: async (profile, partial) => {
        closed = true;
        const { encoding, bytes: rawBytes } = await writer.finish();
        const prof = await this.newBlob();
        const parts = Array.isArray(profile) ? (profile as readonly Uint8Array[]) : encodeProfile(profile as Profile);
        await prof.writeAll(parts);
        await prof.finish();
        const source = partial.name;
        const version = newVersion();
        const summary: SourceSummary = { ...partial, node, name: source, uploadedAt: new Date().toISOString(), version };
        const storedBytes = raw.bytes + prof.bytes;
        try {
          await this.tx(async (c) => {
            if ((await c.query('SELECT 1 FROM captures WHERE id = $1 FOR SHARE', [captureId])).rowCount === 0) throw new NotFoundError('capture');
            const old = await c.query<{ raw_blob: string; profile_blob: string }>('SELECT raw_blob, profile_blob FROM sources WHERE capture_id = $1 AND node = $2 AND name = $3 FOR UPDATE', [captureId, node, source]);
            await c.query(
              `INSERT INTO sources (capture_id, node, name, version, summary, samples, stored_bytes, raw_encoding, raw_bytes, raw_blob, profile_blob)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
               ON CONFLICT (capture_id, node, name) DO UPDATE SET version = excluded.version, summary = excluded.summary, samples = excluded.samples,
                 stored_bytes = excluded.stored_bytes, raw_encoding = excluded.raw_encoding, raw_bytes = excluded.raw_bytes, raw_blob = excluded.raw_blob, profile_blob = excluded.profile_blob`,
              [captureId, node, source, version, JSON.stringify(summary), summary.samples, storedBytes, encoding, rawBytes, raw.id, prof.id],
            );
            await c.query('UPDATE blobs SET committed = TRUE WHERE id = ANY($1)', [[raw.id, prof.id]]);
            await retireBlobs(c, old.rows);
          });
        } catch (err) {
          await this.dropBlobs([raw.id, prof.id]);
          throw err;
        }
        return summary;
      },
      abort: async () => {
        closed = true;
        await writer.abort();
        await this.dropBlobs([raw.id]);
      },
    };
  }

  async getProfile(captureId: string, node: string, source: string): Promise<{ profile: Profile; version: string } | null> {
    // Read in one snapshot: a re-upload replacing the source cannot delete the rows half-way.
    return this.tx(async (c) => {
      const { rows } = await c.query<{ version: string; profile_blob: string }>('SELECT version, profile_blob FROM sources WHERE capture_id = $1 AND node = $2 AND name = $3', [captureId, node, source]);
      const row = rows[0];
      if (!row) return null;
      const parts: Uint8Array[] = [];
      for await (const part of chunksOf(c, row.profile_blob)) parts.push(part);
      const bytes = concatBytes(parts);
      return { profile: decodeProfile(bytes), version: row.version };
    }, 'ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async openRaw(captureId: string, node: string, source: string): Promise<{ stream: ReadableStream<Uint8Array>; bytes: number; gzip: boolean } | null> {
    const { rows } = await this.q<{ summary: string; raw_encoding: RawEncoding; raw_bytes: string; raw_blob: string; stored: string }>(
      'SELECT s.summary, s.raw_encoding, s.raw_bytes, s.raw_blob, b.bytes AS stored FROM sources s JOIN blobs b ON b.id = s.raw_blob WHERE s.capture_id = $1 AND s.node = $2 AND s.name = $3',
      [captureId, node, source],
    );
    const row = rows[0];
    if (!row) return null;
    // Rows are read one at a time as the client takes them; a re-upload that deletes the blob
    // meanwhile ends the stream with an error, never with a short body that looks whole.
    const query = (seq: number) => this.q<{ data: Buffer }>('SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2', [row.raw_blob, seq]);
    const stored = Number(row.stored);
    let seq = 0;
    let read = 0;
    const file = new Readable({
      highWaterMark: 1,
      read() {
        query(seq++)
          .then(({ rows: r }) => {
            const d = r[0]?.data;
            if (d) {
              read += d.length;
              this.push(new Uint8Array(d.buffer, d.byteOffset, d.length));
            } else if (read < stored) this.destroy(new Error('the source was replaced or deleted while it was being read'));
            else this.push(null);
          })
          .catch((err: unknown) => this.destroy(err as Error));
      },
    });
    const stream = Readable.toWeb(rawStream(file, row.raw_encoding)) as ReadableStream<Uint8Array>;
    return { stream, bytes: Number(row.raw_bytes), gzip: parseSummary(row).gzip };
  }

  async deleteSource(captureId: string, node: string, source: string): Promise<boolean> {
    return this.tx(async (c) => {
      const { rows } = await c.query<{ raw_blob: string; profile_blob: string }>('DELETE FROM sources WHERE capture_id = $1 AND node = $2 AND name = $3 RETURNING raw_blob, profile_blob', [captureId, node, source]);
      await deleteBlobs(c, rows);
      return rows.length > 0;
    });
  }

  async deleteNode(captureId: string, node: string): Promise<boolean> {
    return this.tx(async (c) => {
      const { rows } = await c.query<{ raw_blob: string; profile_blob: string }>('DELETE FROM sources WHERE capture_id = $1 AND node = $2 RETURNING raw_blob, profile_blob', [captureId, node]);
      await deleteBlobs(c, rows);
      return rows.length > 0;
    });
  }

  /** Every source by its keys and version (for background passes over all of them), oldest capture first. */
  async allSources(): Promise<{ captureId: string; node: string; name: string; version: string }[]> {
    const { rows } = await this.q<{ capture_id: string; node: string; name: string; version: string }>(
      'SELECT s.capture_id, s.node, s.name, s.version FROM sources s JOIN captures c ON c.id = s.capture_id ORDER BY c.created_at, s.node, s.name',
    );
    return rows.map((r) => ({ captureId: r.capture_id, node: r.node, name: r.name, version: r.version }));
  }

  /**
   * Replaces the stored profile of a source version (parsed again under newer rules); the raw
   * upload and the version stay. False when the source is gone or was replaced meanwhile.
   */
  async rewriteProfile(captureId: string, node: string, source: string, version: string, profile: Profile): Promise<boolean> {
    const blob = await this.newBlob();
    await blob.writeAll(encodeProfile(profile));
    await blob.finish();
    try {
      return await this.tx(async (c) => {
        const { rows } = await c.query<{ profile_blob: string; raw_blob: string }>(
          'SELECT profile_blob, raw_blob FROM sources WHERE capture_id = $1 AND node = $2 AND name = $3 AND version = $4 FOR UPDATE',
          [captureId, node, source, version],
        );
        const old = rows[0];
        if (!old) throw new NotFoundError('source version');
        await c.query(
          `UPDATE sources SET profile_blob = $5, stored_bytes = (SELECT bytes FROM blobs WHERE id = raw_blob) + $6 WHERE capture_id = $1 AND node = $2 AND name = $3 AND version = $4`,
          [captureId, node, source, version, blob.id, blob.bytes],
        );
        await c.query('UPDATE blobs SET committed = TRUE WHERE id = $1', [blob.id]);
        await retireBlobs(c, [{ profile_blob: old.profile_blob }]);
        return true;
      });
    } catch (err) {
      await this.dropBlobs([blob.id]);
      if ((err as Error).name === 'NotFoundError') return false;
      throw err;
    }
  }

  async addToken(token: TokenRecord, secretHash: string): Promise<void> {
    await this.q('INSERT INTO tokens (id, capture_id, secret_hash, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, $6)', [
      token.id,
      token.captureId,
      secretHash,
      token.createdAt,
      token.expiresAt,
      token.revoked,
    ]);
  }

  async getToken(id: string): Promise<{ token: TokenRecord; secretHash: string } | null> {
    const row = (await this.q<TokenRow>('SELECT * FROM tokens WHERE id = $1', [id])).rows[0];
    return row ? { token: tokenOf(row), secretHash: row.secret_hash } : null;
  }

  async listTokens(captureId: string): Promise<TokenRecord[]> {
    return (await this.q<TokenRow>('SELECT * FROM tokens WHERE capture_id = $1 ORDER BY created_at', [captureId])).rows.map(tokenOf);
  }

  async revokeToken(captureId: string, id: string): Promise<boolean> {
    return ((await this.q('UPDATE tokens SET revoked = TRUE WHERE id = $1 AND capture_id = $2', [id, captureId])).rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Runs `work` while holding a database-wide lock named `key` (an advisory lock on a connection
   * of its own): work of the same key on any replica waits for it.
   */
  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.withClient(async (c, drop) => {
      await c.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await work();
      } finally {
        // A connection whose unlock failed is dropped: the lock goes with its session.
        await c.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(drop);
      }
    });
  }

  /** One statement on any connection; connection failures become StoreUnavailableError. */
  async q<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw storeError(err);
    }
  }

  /** A transaction on one connection (rolled back on any error). */
  async tx<T>(work: (c: pg.PoolClient) => Promise<T>, mode = ''): Promise<T> {
    return this.withClient(async (c, drop) => {
      await c.query(`BEGIN ${mode}`);
      try {
        const out = await work(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        if (!isUnavailable(err)) await c.query('ROLLBACK').catch(drop);
        throw err;
      }
    });
  }

  /**
   * Runs `work` on one connection of the pool. Connection failures become StoreUnavailableError,
   * and a connection that failed (or that `work` drops) is closed instead of going back to the pool.
   */
  private async withClient<T>(work: (c: pg.PoolClient, drop: () => void) => Promise<T>): Promise<T> {
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (err) {
      throw storeError(err);
    }
    let broken = false;
    try {
      return await work(c, () => void (broken = true));
    } catch (err) {
      broken ||= isUnavailable(err);
      throw storeError(err);
    } finally {
      c.release(broken);
    }
  }

  /** A new unfinished blob, written in CHUNK_BYTES rows as bytes come. */
  private async newBlob() {
    const { rows } = await this.q<{ id: string }>('INSERT INTO blobs DEFAULT VALUES RETURNING id');
    const id = (rows[0] as { id: string }).id;
    let seq = 0;
    let bytes = 0;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flushRow = async (all: boolean) => {
      while (pendingBytes >= CHUNK_BYTES || (all && pendingBytes > 0)) {
        const joined = concatBytes(pending);
        const row = joined.subarray(0, Math.min(CHUNK_BYTES, joined.length));
        const rest = joined.subarray(row.length);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        await this.q(`WITH lease AS (UPDATE blobs SET lease_until = now() + interval '${BLOB_LEASE}', bytes = bytes + $3 WHERE id = $1) INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $4)`, [id, seq++, row.length, Buffer.from(row.buffer, row.byteOffset, row.length)]);
        bytes += row.length;
      }
    };
    const add = async (chunk: Uint8Array) => {
      pending.push(chunk.slice());
      pendingBytes += chunk.length;
      await flushRow(false);
    };
    return {
      id,
      get bytes() {
        return bytes;
      },
      stream: () =>
        new Writable({
          highWaterMark: CHUNK_BYTES,
          write(chunk: Uint8Array, _enc, cb) {
            add(chunk).then(() => cb(), cb);
          },
          final(cb) {
            flushRow(true).then(() => cb(), cb);
          },
        }),
      writeAll: async (parts: readonly Uint8Array[]) => {
        for (const p of parts) await add(p);
      },
      /** Every row written (a row insert is durable once it returns). */
      finish: () => flushRow(true),
    };
  }

  private async dropBlobs(ids: readonly string[]): Promise<void> {
    await this.q('DELETE FROM blobs WHERE id = ANY($1) AND NOT committed', [ids]).catch(() => undefined);
  }
}

/**
 * Blobs a re-upload replaced: no longer the source's, but kept for one lease so that a download
 * already reading them ends whole (as the embedded store's open file does); then collected.
 */
async function retireBlobs(c: pg.PoolClient, rows: readonly { raw_blob?: string; profile_blob: string }[]): Promise<void> {
  if (rows.length === 0) return;
  const ids = rows.flatMap((r) => (r.raw_blob ? [r.raw_blob, r.profile_blob] : [r.profile_blob]));
  await c.query(`UPDATE blobs SET committed = FALSE, lease_until = now() + interval '${BLOB_LEASE}' WHERE id = ANY($1)`, [ids]);
}

/** Deletes the blobs of removed source rows (their chunks go with them). */
async function deleteBlobs(c: pg.PoolClient, rows: readonly { raw_blob: string; profile_blob: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await c.query('DELETE FROM blobs WHERE id = ANY($1)', [rows.flatMap((r) => [r.raw_blob, r.profile_blob])]);
}

/** Rows fetched per round trip when a whole blob is read (a profile). */
const ROWS_PER_READ = 16;

/** A blob's rows in order, ROWS_PER_READ at a time. */
async function* chunksOf(c: pg.PoolClient, blob: string): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq += ROWS_PER_READ) {
    const { rows } = await c.query<{ data: Buffer }>('SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq', [blob, seq, seq + ROWS_PER_READ]);
    for (const { data: d } of rows) yield new Uint8Array(d.buffer, d.byteOffset, d.length);
    if (rows.length < ROWS_PER_READ) return;
  }
}
