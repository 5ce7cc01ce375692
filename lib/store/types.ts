import type { NodeSummary, SourceSummary } from '../api/schemas';
import type { Profile } from '../profile/types';

export type { NodeSummary, SourceSummary };

export interface CaptureRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  /** Hosts, in natural name order, each with its sources. */
  readonly nodes: readonly NodeSummary[];
}

export interface CaptureListItem {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly nodeCount: number;
  readonly sourceCount: number;
  readonly samples: number;
}

/** The summary a committed upload gets (the store adds when and which version; the node is the upload's). */
export type NewSource = Omit<SourceSummary, 'uploadedAt' | 'version' | 'node'>;

/**
 * An upload in progress: the raw body is written through `write`, then `commit` makes the
 * source visible (replacing a previous upload of the same source) in one atomic step, or
 * `abort` leaves everything as it was.
 */
export interface SourceUpload {
  write(chunk: Uint8Array): Promise<void>;
  /** Commits the source: its profile, or the profile already encoded (serialize.ts) by a worker. */
  commit(profile: Profile | readonly Uint8Array[], summary: NewSource): Promise<SourceSummary>;
  abort(): Promise<void>;
}

/** A token scoped to one capture, as stored: its secret is kept only as a hash. */
export interface TokenRecord {
  readonly id: string;
  readonly captureId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revoked: boolean;
}

/** Persistent storage of captures. Every implementation passes lib/store/contract.ts. */
export interface CaptureStore {
  createCapture(name: string): Promise<CaptureRecord>;
  getCapture(id: string): Promise<CaptureRecord | null>;
  listCaptures(limit: number, ids?: readonly string[]): Promise<CaptureListItem[]>;
  renameCapture(id: string, name: string): Promise<boolean>;
  /** Deletes a capture with every byte of its sources. */
  deleteCapture(id: string): Promise<boolean>;
  /** Bytes kept on disk for every capture (raw uploads and parsed profiles), for the quota. */
  usage(): Promise<number>;
  /** Captures created before `isoTime` (for retention). */
  capturesBefore(isoTime: string): Promise<string[]>;
  /**
   * Starts receiving a source of a host; fails with NotFoundError when the capture does not
   * exist. Which source it is (its name) is known once parsed, and given at commit.
   */
  beginSourceUpload(captureId: string, node: string): Promise<SourceUpload>;
  /** The parsed profile of a source, or null. */
  getProfile(captureId: string, node: string, source: string): Promise<{ profile: Profile; version: string } | null>;
  /** The raw bytes of a source as uploaded, or null. */
  openRaw(captureId: string, node: string, source: string): Promise<{ stream: ReadableStream<Uint8Array>; bytes: number; gzip: boolean } | null>;
  deleteSource(captureId: string, node: string, source: string): Promise<boolean>;
  /** Deletes every source of a node. */
  deleteNode(captureId: string, node: string): Promise<boolean>;
  /** Stores a capture-scoped token by the hash of its secret. */
  addToken(token: TokenRecord, secretHash: string): Promise<void>;
  /** A token and its secret's hash, or null. */
  getToken(id: string): Promise<{ token: TokenRecord; secretHash: string } | null>;
  listTokens(captureId: string): Promise<TokenRecord[]>;
  revokeToken(captureId: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}
