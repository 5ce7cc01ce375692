/**
 * Parsing one uploaded source, wherever it runs (an ingest worker, or the server process when
 * there are no workers): bytes in, the encoded profile and what the source summary needs out.
 */
import { FORMATS, parseCapture } from '../parse';
import type { ModelLimits } from '../profile/builder';
import { recordCount, recordedEvents } from '../profile/select';
import { encodeProfile } from '../profile/serialize';
import type { ProfileMeta } from '../profile/types';

export interface ParseJobOptions {
  readonly file: string;
  readonly arch?: string;
  readonly maxBytes: number;
  readonly maxRatio: number;
  /** Cap of the formats read whole (pprof, speedscope). */
  readonly maxDocumentBytes: number;
  /** Parse as this text format (its id) instead of sniffing. */
  readonly format?: string;
  readonly limits: ModelLimits;
}

/** What the source summary is made of, besides what the server knows itself. */
export interface ParsedSource {
  format: string;
  gzip: boolean;
  bytesIn: number;
  bytesOut: number;
  records: number;
  syscalls: number;
  slices: number;
  runq: number;
  events: { name: string; samples: number; derived?: boolean }[];
  /** Events with records (not derived): what decides the source's kind. */
  recorded: string[];
  meta: ProfileMeta;
}

export interface ParseJobResult {
  info: ParsedSource;
  /** The profile, encoded for the store (serialize.ts). */
  encoded: Uint8Array[];
}

export async function parseSource(bytes: AsyncIterable<Uint8Array>, opts: ParseJobOptions): Promise<ParseJobResult> {
  const { profile, format, stats } = await parseCapture(bytes, {
    file: opts.file,
    arch: opts.arch,
    maxBytes: opts.maxBytes,
    maxRatio: opts.maxRatio,
    maxDocumentBytes: opts.maxDocumentBytes,
    limits: opts.limits,
    format: FORMATS.find((f) => f.id === opts.format),
  });
  const info: ParsedSource = {
    format: format.id,
    gzip: stats.gzip,
    bytesIn: stats.bytesIn,
    bytesOut: stats.bytesOut,
    records: recordCount(profile),
    syscalls: profile.syscalls.length,
    slices: profile.sched.length,
    runq: profile.runq.length,
    events: profile.eventTypes.filter((e) => e.samples > 0).map((e) => (e.derived ? { name: e.name, samples: e.samples, derived: true } : { name: e.name, samples: e.samples })),
    recorded: recordedEvents(profile),
    meta: profile.meta,
  };
  return { info, encoded: encodeProfile(profile) };
}

/** An async iterable fed from outside (the chunks of an upload as they arrive). */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private ended = false;
  private failed: unknown = null;
  private wake: (() => void) | null = null;
  /** Called when the consumer takes a chunk (flow control). */
  onTake: (bytes: number) => void = () => undefined;

  push(chunk: Uint8Array): void {
    this.items.push(chunk);
    this.poke();
  }

  end(): void {
    this.ended = true;
    this.poke();
  }

  fail(err: unknown): void {
    this.failed = err;
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.failed) throw this.failed;
      const next = this.items.shift();
      if (next) {
        this.onTake(next.length);
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}
