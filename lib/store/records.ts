/** What every store makes of its rows: ids, versions, summaries grouped into hosts, tokens. */
import { randomBytes } from 'node:crypto';
import { SourceSummary as SourceSummarySchema } from '../api/schemas';
import type { NodeSummary, SourceSummary, TokenRecord } from './types';

/** 128 random bits, URL-safe: capture ids cannot be guessed. */
export function newCaptureId(): string {
  return randomBytes(16).toString('base64url');
}

export function newVersion(): string {
  return randomBytes(9).toString('base64url');
}

/** Sources grouped into hosts, both in natural name order. */
export function groupByNode(sources: readonly SourceSummary[]): NodeSummary[] {
  const byNode = new Map<string, SourceSummary[]>();
  for (const s of sources) {
    let list = byNode.get(s.node);
    if (!list) byNode.set(s.node, (list = []));
    list.push(s);
  }
  return [...byNode.entries()]
    .sort(([a], [b]) => byNodeName(a, b))
    .map(([name, list]) => {
      list.sort((a, b) => byNodeName(a.name, b.name));
      return { name, hostname: list.find((s) => s.hostname)?.hostname ?? null, sources: list };
    });
}

export function tokenOf(row: TokenRow): TokenRecord {
  return { id: row.id, captureId: row.capture_id, createdAt: row.created_at, expiresAt: row.expires_at, revoked: row.revoked === true || row.revoked === 1 };
}

/** Natural order: node-2 before node-10. */
export function byNodeName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

export function parseSummary(row: { summary: string }): SourceSummary {
  return SourceSummarySchema.parse(JSON.parse(row.summary));
}


/** A token as stored: `revoked` is 0 or 1 in SQLite, a boolean in PostgreSQL. */
export interface TokenRow {
  id: string;
  capture_id: string;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  revoked: number | boolean;
}
