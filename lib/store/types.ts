import type { NodeSummary } from '../api/schemas';
import type { Profile } from '../profile/types';

export type { NodeSummary };

export interface CaptureRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly nodes: readonly NodeSummary[];
}

export interface CaptureListItem {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly nodeCount: number;
  readonly samples: number;
}

/**
 * An upload in progress: the raw body is written through `write`, then `commit` makes the
 * node visible (replacing a previous upload of the same node) in one atomic step, or `abort`
 * leaves everything as it was.
 */
export interface NodeUpload {
  write(chunk: Uint8Array): Promise<void>;
  commit(profile: Profile, summary: Omit<NodeSummary, 'uploadedAt' | 'version'>): Promise<NodeSummary>;
  abort(): Promise<void>;
}

/** Persistent storage of captures. Every implementation passes lib/store/contract.ts. */
export interface CaptureStore {
  createCapture(name: string): Promise<CaptureRecord>;
  getCapture(id: string): Promise<CaptureRecord | null>;
  listCaptures(limit: number): Promise<CaptureListItem[]>;
  /** Fails with NotFoundError when the capture does not exist. */
  beginNodeUpload(captureId: string, node: string): Promise<NodeUpload>;
  /** The parsed profile of a node, or null. */
  getProfile(captureId: string, node: string): Promise<{ profile: Profile; version: string } | null>;
  /** The raw bytes of a node as uploaded, or null. */
  openRaw(captureId: string, node: string): Promise<{ stream: ReadableStream<Uint8Array>; bytes: number; gzip: boolean } | null>;
  deleteNode(captureId: string, node: string): Promise<boolean>;
  close(): Promise<void>;
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}
