import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { NodeSummary as NodeSummarySchema } from '../api/schemas';
import { decodeProfile, encodeProfile } from '../profile/serialize';
import type { Profile } from '../profile/types';
import { NotFoundError, type CaptureListItem, type CaptureRecord, type CaptureStore, type NodeSummary, type NodeUpload } from './types';

/** 128 random bits, URL-safe: capture ids cannot be guessed. */
export function newCaptureId(): string {
  return randomBytes(16).toString('base64url');
}

function newVersion(): string {
  return randomBytes(9).toString('base64url');
}

interface NodeRow {
  capture_id: string;
  name: string;
  version: string;
  summary: string;
}

/**
 * The embedded default store: capture metadata in SQLite (one transaction per change), raw
 * uploads and encoded profiles as files. A node's files are written under a fresh version
 * name and renamed into place before the one transaction that points the node at them, so a
 * failed or interrupted upload never shows and never touches what was stored before.
 */
export class DiskStore implements CaptureStore {
  private readonly db: Database.Database;
  private readonly blobs: string;
  private readonly tmp: string;

  private constructor(readonly dir: string) {
    this.blobs = path.join(dir, 'blobs');
    this.tmp = path.join(dir, 'tmp');
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
      CREATE TABLE IF NOT EXISTS nodes (
        capture_id TEXT NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        summary TEXT NOT NULL,
        PRIMARY KEY (capture_id, name)
      );
    `);
  }

  static async open(dir: string): Promise<DiskStore> {
    await mkdir(path.join(dir, 'blobs'), { recursive: true });
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
    const nodes = (this.db.prepare('SELECT * FROM nodes WHERE capture_id = ?').all(id) as NodeRow[]).map(parseSummary).sort((a, b) => byNodeName(a.name, b.name));
    return { id: row.id, name: row.name, createdAt: row.created_at, nodes };
  }

  async listCaptures(limit: number): Promise<CaptureListItem[]> {
    const rows = this.db
      .prepare(
        `SELECT c.id, c.name, c.created_at, COUNT(n.name) AS node_count,
                COALESCE(SUM(json_extract(n.summary, '$.samples')), 0) AS samples
         FROM captures c LEFT JOIN nodes n ON n.capture_id = c.id
         GROUP BY c.id ORDER BY c.created_at DESC, c.rowid DESC LIMIT ?`,
      )
      .all(limit) as { id: string; name: string; created_at: string; node_count: number; samples: number }[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, nodeCount: r.node_count, samples: r.samples }));
  }

  async beginNodeUpload(captureId: string, node: string): Promise<NodeUpload> {
    if (!this.db.prepare('SELECT 1 FROM captures WHERE id = ?').get(captureId)) throw new NotFoundError('capture');
    await mkdir(this.tmp, { recursive: true }); // cheap, and survives someone cleaning the folder
    const base = path.join(this.tmp, newVersion());
    const rawTmp = `${base}.raw`;
    const profileTmp = `${base}.profile`;
    const fh = await open(rawTmp, 'wx');
    let closed = false;
    const closeRaw = async () => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    return {
      write: async (chunk) => {
        await writeAll(fh, chunk);
      },
      commit: async (profile, partial) => {
        await fh.sync();
        await closeRaw();
        await writeFileSynced(profileTmp, encodeProfile(profile));
        const version = newVersion();
        const dir = path.join(this.blobs, captureId);
        await mkdir(dir, { recursive: true });
        const files = this.files(captureId, node, version);
        await rename(rawTmp, files.raw);
        await rename(profileTmp, files.profile);
        await syncDir(dir);
        const summary: NodeSummary = { ...partial, name: node, uploadedAt: new Date().toISOString(), version };
        const previous = this.db.transaction(() => {
          if (!this.db.prepare('SELECT 1 FROM captures WHERE id = ?').get(captureId)) throw new NotFoundError('capture');
          const old = this.db.prepare('SELECT version FROM nodes WHERE capture_id = ? AND name = ?').get(captureId, node) as { version: string } | undefined;
          this.db
            .prepare(
              `INSERT INTO nodes (capture_id, name, version, summary) VALUES (?, ?, ?, ?)
               ON CONFLICT (capture_id, name) DO UPDATE SET version = excluded.version, summary = excluded.summary`,
            )
            .run(captureId, node, version, JSON.stringify(summary));
          return old?.version;
        })();
        if (previous) await this.removeFiles(captureId, node, previous);
        return summary;
      },
      abort: async () => {
        await closeRaw().catch(() => undefined);
        await unlink(rawTmp).catch(() => undefined);
        await unlink(profileTmp).catch(() => undefined);
      },
    };
  }

  async getProfile(captureId: string, node: string): Promise<{ profile: Profile; version: string } | null> {
    // A re-upload may replace the files between reading the row and the file: read again then.
    for (let attempt = 0; ; attempt++) {
      const row = this.nodeRow(captureId, node);
      if (!row) return null;
      try {
        const bytes = await readFile(this.files(captureId, node, row.version).profile);
        return { profile: decodeProfile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)), version: row.version };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw err;
      }
    }
  }

  async openRaw(captureId: string, node: string): Promise<{ stream: ReadableStream<Uint8Array>; bytes: number; gzip: boolean } | null> {
    const row = this.nodeRow(captureId, node);
    if (!row) return null;
    const file = this.files(captureId, node, row.version).raw;
    const { size } = await stat(file);
    const summary = parseSummary(row);
    return { stream: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, bytes: size, gzip: summary.gzip };
  }

  async deleteNode(captureId: string, node: string): Promise<boolean> {
    const row = this.nodeRow(captureId, node);
    if (!row) return false;
    this.db.prepare('DELETE FROM nodes WHERE capture_id = ? AND name = ? AND version = ?').run(captureId, node, row.version);
    await this.removeFiles(captureId, node, row.version);
    return true;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private nodeRow(captureId: string, node: string): NodeRow | undefined {
    return this.db.prepare('SELECT * FROM nodes WHERE capture_id = ? AND name = ?').get(captureId, node) as NodeRow | undefined;
  }

  /** Node names match [A-Za-z0-9._-]: `name~version.ext` is always a plain file name inside the capture's folder. */
  private files(captureId: string, node: string, version: string) {
    const dir = path.join(this.blobs, captureId);
    return { raw: path.join(dir, `${node}~${version}.raw`), profile: path.join(dir, `${node}~${version}.profile`) };
  }

  private async removeFiles(captureId: string, node: string, version: string): Promise<void> {
    const f = this.files(captureId, node, version);
    await unlink(f.raw).catch(() => undefined);
    await unlink(f.profile).catch(() => undefined);
  }

  /** Deletes files no row points at (left by a crash between the rename and the transaction). */
  private async sweep(): Promise<void> {
    const live = new Set(
      (this.db.prepare('SELECT capture_id, name, version FROM nodes').all() as NodeRow[]).map((r) => `${r.capture_id}/${r.name}~${r.version}`),
    );
    for (const captureId of await readdir(this.blobs).catch(() => [] as string[])) {
      for (const file of await readdir(path.join(this.blobs, captureId)).catch(() => [] as string[])) {
        const stem = file.replace(/\.(raw|profile)$/, '');
        if (!live.has(`${captureId}/${stem}`)) await unlink(path.join(this.blobs, captureId, file)).catch(() => undefined);
      }
    }
  }
}

/** Natural order: node-2 before node-10. */
export function byNodeName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

function parseSummary(row: NodeRow): NodeSummary {
  return NodeSummarySchema.parse(JSON.parse(row.summary));
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
    off += bytesWritten;
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

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
