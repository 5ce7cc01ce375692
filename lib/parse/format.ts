import type { ProfileBuilder } from '../profile/builder';

/** Tri-state answer of a format's sniffer. */
export type Sniff = 'yes' | 'no' | 'maybe';

/**
 * Receives a capture as text chunks that each end at a line boundary (LF only: CRLF is
 * normalised before), so a parser can scan lines in place without a string per line.
 */
export interface TextSink {
  chunk(text: string): void;
  /** Called once after the last chunk. */
  end(): void;
}

/** Line-at-a-time parsers implement this and are wrapped by `lineSink`. `lineNo` counts from 1. */
export interface LineSink {
  line(text: string, lineNo: number): void;
  end(lineCount: number): void;
}

export interface ParseContext {
  /** Name used in error messages (the uploaded file or node name). */
  readonly file: string;
  /** Most bytes a format read as one document (speedscope's JSON, pprof) may hold (default MAX_DOCUMENT_BYTES). */
  readonly maxDocumentBytes?: number;
}

/**
 * Decompressed bytes a whole-document format may gather before decoding: such files cannot be
 * parsed a chunk at a time, so they are held whole (TRACEFLEET_MAX_DOCUMENT_BYTES on the server).
 */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

export interface CaptureFormat {
  readonly id: string;
  readonly label: string;
  /** Looks only at the first page of (decompressed) lines. */
  sniff(firstLines: readonly string[]): Sniff;
  createParser(builder: ProfileBuilder, ctx: ParseContext): TextSink;
}

/**
 * A binary format (pprof): recognised from the first bytes after decompression, and decoded
 * whole once every byte has arrived.
 */
export interface BinaryFormat {
  readonly id: string;
  readonly label: string;
  /** Looks only at `head`, the first bytes of the input (`whole`: all of it). */
  sniffBytes(head: Uint8Array, whole: boolean): Sniff;
  decode(bytes: Uint8Array, builder: ProfileBuilder, ctx: ParseContext): void;
}

/** Adapts a line parser to the chunk interface. */
export function lineSink(sink: LineSink): TextSink {
  let lineNo = 0;
  return {
    chunk(text: string): void {
      let pos = 0;
      const n = text.length;
      while (pos < n) {
        let nl = text.indexOf('\n', pos);
        if (nl < 0) nl = n;
        sink.line(text.slice(pos, nl), ++lineNo);
        pos = nl + 1;
      }
    },
    end(): void {
      sink.end(lineNo);
    },
  };
}
