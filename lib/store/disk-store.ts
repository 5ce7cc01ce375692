import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { SourceSummary as SourceSummarySchema } from '../api/schemas';
import { sourceKind } from '../api/sources';
import { decodeProfile, encodeProfile } from '../profile/serialize';
import { rawStream, rawWriter, writeAll, type RawEncoding } from './raw-file';
import type { Profile } from '../profile/types';
import { groupByNode, newCaptureId, newVersion, parseSummary, tokenOf, type TokenRow } from './records';
import { NotFoundError, type CaptureListItem, type CaptureRecord, type CaptureStore, type SourceSummary, type SourceUpload, type TokenRecord } from './types';

interface SourceRow {
  capture_id: string;
  node: string;
  name: string;
  version: string;
  /** File name stem of the source's blobs inside the capture's folder. */
  stem: string;
  summary: string;
  /** How the raw upload is stored (schema 4; null before: as sent). */
  raw_encoding?: RawEncoding | null;
  /** Bytes that were sent (schema 4; null before: the raw file's size). */
  raw_bytes?: number | null;
}


/** Schema version of the database; older ones are migrated when the store opens. */
const SCHEMA_VERSION = 4;

/**
 * The embedded default store: capture metadata in SQLite (one transaction per change), raw
 * uploads and encoded profiles as files. A source's files are written under a fresh version
 * name and renamed into place before the one transaction that points the source at them, so a
 * failed or interrupted upload never shows and never touches what was stored before.
 */
export class DiskStore implements CaptureStore {
  private readonly db: Database.Database;
  private readonly blobs: string;
  private readonly tmp: string;

  private constructor(
    readonly dir: string,
    readonly readOnly = false,
  ) {
    this.blobs = path.join(dir, 'blobs');
    this.tmp = path.join(dir, 'tmp');
    if (readOnly) {
      // A reader beside the writer (a query worker): the writer made the schema and owns the files.
      this.db = new Database(path.join(dir, 'tracefleet.db'), { readonly: true, fileMustExist: true });
      return;
    }
    this.db = new Database(path.join(dir, 'tracefleet.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS captures (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS captures_by_time ON captures (created_at DESC);
      CREATE TABLE IF NOT EXISTS sources (
        capture_id TEXT NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
        node TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        stem TEXT NOT NULL,
        summary TEXT NOT NULL,
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        raw_encoding TEXT NOT NULL DEFAULT 'identity',
        raw_bytes INTEGER,
        PRIMARY KEY (capture_id, node, name)
      );
      CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY,
        capture_id TEXT NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS tokens_by_capture ON tokens (capture_id);
    `);
    this.migrate();
  }

  /** Version 1 kept one upload per node (table `nodes`): each becomes a source named after its kind. */
  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    this.db.transaction(() => {
      // 2 → 3: bytes kept per source (filled in from the files by sweep()).
      const columns = this.db.prepare('PRAGMA table_info(sources)').all() as { name: string }[];
      if (!columns.some((c) => c.name === 'stored_bytes')) this.db.exec('ALTER TABLE sources ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0');
      // 3 → 4: raw uploads may be stored compressed (older ones are as sent).
      if (!columns.some((c) => c.name === 'raw_encoding')) this.db.exec("ALTER TABLE sources ADD COLUMN raw_encoding TEXT NOT NULL DEFAULT 'identity'; ALTER TABLE sources ADD COLUMN raw_bytes INTEGER");
      const hasNodes = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'nodes'").get();
      if (hasNodes) {
        const rows = this.db.prepare('SELECT capture_id, name, version, summary FROM nodes').all() as { capture_id: string; name: string; version: string; summary: string }[];
        const insert = this.db.prepare('INSERT OR REPLACE INTO sources (capture_id, node, name, version, stem, summary) VALUES (?, ?, ?, ?, ?, ?)');
        for (const r of rows) {
          const old = JSON.parse(r.summary) as Record<string, unknown> & { format: string; events: { name: string }[] };
          const kind = sourceKind(old.format, old.events.map((e) => e.name));
          const summary = SourceSummarySchema.parse({ syscalls: 0, slices: 0, capturedOn: null, ...old, node: r.name, name: kind, kind });
          insert.run(r.capture_id, r.name, kind, r.version, `${r.name}~${r.version}`, JSON.stringify(summary));
        }
        this.db.exec('DROP TABLE nodes');
      }
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  /**
   * The same data opened for reading only, as query workers do: no migration, no clean-up, no
   * writes (SQLite's WAL lets readers and the one writer work at once).
   */
  static openReader(dir: string): DiskStore {
    return new DiskStore(dir, true);
  }

  static async open(dir: string): Promise<DiskStore> {
    await mkdir(path.join(dir, 'blobs'), { recursive: true });
    // One writer per folder: the start-up clean-up below would delete another server's uploads in flight.
    await lockFolder(dir);
    await rm(path.join(dir, 'tmp'), { recursive: true, force: true });
    await mkdir(path.join(dir, 'tmp'), { recursive: true });
    const store = new DiskStore(dir);
    await store.sweep();
    return store;
  }

  async createCapture(name: string): Promise<CaptureRecord> {
    const id = newCaptureId();
    const createdAt = new Date().toISOString();
    this.db.prepare('INSERT INTO captures (id, name, created_at) VALUES (?, ?, ?)').run(id, name, createdAt);
    return { id, name, createdAt, nodes: [] };
  }

  async getCapture(id: string): Promise<CaptureRecord | null> {
    const row = this.db.prepare('SELECT id, name, created_at FROM captures WHERE id = ?').get(id) as { id: string; name: string; created_at: string } | undefined;
    if (!row) return null;
    const sources = (this.db.prepare('SELECT * FROM sources WHERE capture_id = ?').all(id) as SourceRow[]).map(parseSummary);
    return { id: row.id, name: row.name, createdAt: row.created_at, nodes: groupByNode(sources) };
  }

  async listCaptures(limit: number, ids?: readonly string[]): Promise<CaptureListItem[]> {
    const filter = ids ? `WHERE c.id IN (SELECT value FROM json_each(?))` : '';
    const rows = this.db
      .prepare(
        `SELECT c.id, c.name, c.created_at, COUNT(DISTINCT s.node) AS node_count, COUNT(s.name) AS source_count,
                COALESCE(SUM(json_extract(s.summary, '$.samples')), 0) AS samples
         FROM captures c LEFT JOIN sources s ON s.capture_id = c.id ${filter}
         GROUP BY c.id ORDER BY c.created_at DESC, c.rowid DESC LIMIT ?`,
      )
      .all(...(ids ? [JSON.stringify(ids)] : []), limit) as { id: string; name: string; created_at: string; node_count: number; source_count: number; samples: number }[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, nodeCount: r.node_count, sourceCount: r.source_count, samples: r.samples }));
  }

  async renameCapture(id: string, name: string): Promise<boolean> {
    return this.db.prepare('UPDATE captures SET name = ? WHERE id = ?').run(name, id).changes > 0;
  }

  async deleteCapture(id: string): Promise<boolean> {
    const deleted = this.db.prepare('DELETE FROM captures WHERE id = ?').run(id).changes > 0;
    if (deleted) await rm(path.join(this.blobs, id), { recursive: true, force: true });
    return deleted;
  }

  async usage(): Promise<number> {
    return (this.db.prepare('SELECT COALESCE(SUM(stored_bytes), 0) AS n FROM sources').get() as { n: number }).n;
  }

  async capturesBefore(isoTime: string): Promise<string[]> {
    return (this.db.prepare('SELECT id FROM captures WHERE created_at < ?').all(isoTime) as { id: string }[]).map((r) => r.id);
  }

  async beginSourceUpload(captureId: string, node: string): Promise<SourceUpload> {
    if (!this.db.prepare('SELECT 1 FROM captures WHERE id = ?').get(captureId)) throw new NotFoundError('capture');
    await mkdir(this.tmp, { recursive: true }); // cheap, and survives someone cleaning the folder
    const base = path.join(this.tmp, newVersion());
    const rawTmp = `${base}.raw`;
    const profileTmp = `${base}.profile`;
    const fh = await open(rawTmp, 'wx');
    const raw = rawWriter(fh);
    let closed = false;
    const closeRaw = async () => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    return {
      write: async (chunk) => {
        // After commit or abort there is nothing to write to (a reader may still be draining).
        if (!closed) await raw.write(chunk);
      },
      commit: async (profile, partial) => {
        const { encoding, bytes: rawBytes } = await raw.finish();
        await closeRaw();
        await writeFileSynced(profileTmp, Array.isArray(profile) ? profile : encodeProfile(profile as Profile));
        const source = partial.name;
        const version = newVersion();
        const stem = `${node}~${source}~${version}`;
        const dir = path.join(this.blobs, captureId);
        await mkdir(dir, { recursive: true });
        const files = this.files(captureId, stem);
        await rename(rawTmp, files.raw);
        await rename(profileTmp, files.profile);
        await syncDir(dir);
        const storedBytes = (await stat(files.raw)).size + (await stat(files.profile)).size;
        const summary: SourceSummary = { ...partial, node, name: source, uploadedAt: new Date().toISOString(), version };
        let previous: string | undefined;
        try {
          previous = this.db.transaction(() => {
            if (!this.db.prepare('SELECT 1 FROM captures WHERE id = ?').get(captureId)) throw new NotFoundError('capture');
            const old = this.sourceRow(captureId, node, source);
            this.db
              .prepare(
                `INSERT INTO sources (capture_id, node, name, version, stem, summary, stored_bytes, raw_encoding, raw_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (capture_id, node, name) DO UPDATE SET version = excluded.version, stem = excluded.stem, summary = excluded.summary, stored_bytes = excluded.stored_bytes, raw_encoding = excluded.raw_encoding, raw_bytes = excluded.raw_bytes`,
              )
              .run(captureId, node, source, version, stem, JSON.stringify(summary), storedBytes, encoding, rawBytes);
            return old?.stem;
          })();
        } catch (err) {
          await this.removeFiles(captureId, stem);
          throw err;
        }
        if (previous) await this.removeFiles(captureId, previous);
        return summary;
      },
      abort: async () => {
        await raw.abort();
        await closeRaw().catch(() => undefined);
        await unlink(rawTmp).catch(() => undefined);
        await unlink(profileTmp).catch(() => undefined);
      },
    };
  }

  async getProfile(captureId: string, node: string, source: string): Promise<{ profile: Profile; version: string } | null> {
    // A re-upload may replace the files between reading the row and the file: read again then.
    for (let attempt = 0; ; attempt++) {
      const row = this.sourceRow(captureId, node, source);
      if (!row) return null;
      try {
        const bytes = await readFile(this.files(captureId, row.stem).profile);
        return { profile: decodeProfile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)), version: row.version };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw err;
      }
    }
  }

  async openRaw(captureId: string, node: string, source: string): Promise<{ stream: ReadableStream<Uint8Array>; bytes: number; gzip: boolean } | null> {
    for (let attempt = 0; ; attempt++) {
      const row = this.sourceRow(captureId, node, source);
      if (!row) return null;
      // Open first, then measure the open file: a re-upload that replaces it cannot empty the reply.
      const fh = await open(this.files(captureId, row.stem).raw, 'r').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' && attempt < 2) return null;
        throw err;
      });
      if (!fh) continue;
      const summary = parseSummary(row);
      const encoding = row.raw_encoding ?? 'identity';
      // Stored as sent before schema 4: the file's size is what was sent.
      const bytes = row.raw_bytes ?? (await fh.stat()).size;
      const stream = Readable.toWeb(rawStream(fh.createReadStream({ autoClose: true }), encoding)) as ReadableStream<Uint8Array>;
      return { stream, bytes, gzip: summary.gzip };
    }
  }

  async deleteSource(captureId: string, node: string, source: string): Promise<boolean> {
    const row = this.sourceRow(captureId, node, source);
    if (!row) return false;
    this.db.prepare('DELETE FROM sources WHERE capture_id = ? AND node = ? AND name = ? AND version = ?').run(captureId, node, source, row.version);
    await this.removeFiles(captureId, row.stem);
    return true;
  }

  async deleteNode(captureId: string, node: string): Promise<boolean> {
    const rows = this.db.prepare('SELECT * FROM sources WHERE capture_id = ? AND node = ?').all(captureId, node) as SourceRow[];
    if (rows.length === 0) return false;
    this.db.prepare('DELETE FROM sources WHERE capture_id = ? AND node = ?').run(captureId, node);
    for (const r of rows) await this.removeFiles(captureId, r.stem);
    return true;
  }

  async addToken(token: TokenRecord, secretHash: string): Promise<void> {
    this.db
      .prepare('INSERT INTO tokens (id, capture_id, secret_hash, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?)')
      .run(token.id, token.captureId, secretHash, token.createdAt, token.expiresAt, token.revoked ? 1 : 0);
  }

  async getToken(id: string): Promise<{ token: TokenRecord; secretHash: string } | null> {
    const row = this.db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return row ? { token: tokenOf(row), secretHash: row.secret_hash } : null;
  }

  async listTokens(captureId: string): Promise<TokenRecord[]> {
    return (this.db.prepare('SELECT * FROM tokens WHERE capture_id = ? ORDER BY created_at').all(captureId) as TokenRow[]).map(tokenOf);
  }

  async revokeToken(captureId: string, id: string): Promise<boolean> {
    return this.db.prepare('UPDATE tokens SET revoked = 1 WHERE id = ? AND capture_id = ?').run(id, captureId).changes > 0;
  }

  async close(): Promise<void> {
    this.db.close();
    if (!this.readOnly) await unlink(path.join(this.dir, LOCK_FILE)).catch(() => undefined);
  }

  private sourceRow(captureId: string, node: string, source: string): SourceRow | undefined {
    return this.db.prepare('SELECT * FROM sources WHERE capture_id = ? AND node = ? AND name = ?').get(captureId, node, source) as SourceRow | undefined;
  }

  /** Node and source names match [A-Za-z0-9._-]: `stem.ext` is always a plain file name inside the capture's folder. */
  private files(captureId: string, stem: string) {
    const dir = path.join(this.blobs, captureId);
    return { raw: path.join(dir, `${stem}.raw`), profile: path.join(dir, `${stem}.profile`) };
  }

  private async removeFiles(captureId: string, stem: string): Promise<void> {
    const f = this.files(captureId, stem);
    await unlink(f.raw).catch(() => undefined);
    await unlink(f.profile).catch(() => undefined);
  }

  /**
   * Deletes files no row points at (left by a crash between the rename and the transaction),
   * and folders of deleted captures; measures sources stored before their size was kept.
   */
  private async sweep(): Promise<void> {
    const unmeasured = this.db.prepare('SELECT capture_id, node, name, stem FROM sources WHERE stored_bytes = 0').all() as SourceRow[];
    for (const r of unmeasured) {
      const f = this.files(r.capture_id, r.stem);
      const size = ((await stat(f.raw).catch(() => null))?.size ?? 0) + ((await stat(f.profile).catch(() => null))?.size ?? 0);
      this.db.prepare('UPDATE sources SET stored_bytes = ? WHERE capture_id = ? AND node = ? AND name = ?').run(size, r.capture_id, r.node, r.name);
    }
    const live = new Set((this.db.prepare('SELECT capture_id, stem FROM sources').all() as SourceRow[]).map((r) => `${r.capture_id}/${r.stem}`));
    const captures = new Set((this.db.prepare('SELECT id FROM captures').all() as { id: string }[]).map((r) => r.id));
    for (const captureId of await readdir(this.blobs).catch(() => [] as string[])) {
      if (!captures.has(captureId)) {
        await rm(path.join(this.blobs, captureId), { recursive: true, force: true });
        continue;
      }
      for (const file of await readdir(path.join(this.blobs, captureId)).catch(() => [] as string[])) {
        const stem = file.replace(/\.(raw|profile)$/, '');
        if (!live.has(`${captureId}/${stem}`)) await unlink(path.join(this.blobs, captureId, file)).catch(() => undefined);
      }
    }
  }
}

async function writeFileSynced(file: string, parts: readonly Uint8Array[]): Promise<void> {
  const fh = await open(file, 'wx');
  try {
    for (const p of parts) await writeAll(fh, p);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const LOCK_FILE = 'tracefleet.lock';

/** Another server (a live process) writes to this data folder. */
export class StoreLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(`the data folder ${dir} is in use by another tracefleet server (pid ${pid}); stop it, or give this one its own TRACEFLEET_DATA_DIR (several servers on one store need TRACEFLEET_DATABASE_URL)`);
    this.name = 'StoreLockedError';
  }
}

/** Takes the folder's lock file (holding this process's pid); a lock left by a process that is gone (a crash) is taken over. */
async function lockFolder(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (pid === process.pid) return;
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new StoreLockedError(dir, pid);
    await unlink(file).catch(() => undefined);
  }
  throw new Error(`could not take the lock ${file}`);
}

/** Whether a process runs (a zombie — killed, not yet reaped — does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
  try {
    // /proc/PID/stat: "pid (comm) state …"; the command may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): the signal said it runs
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
