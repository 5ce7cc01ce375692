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
}

export interface CaptureFormat {
  readonly id: string;
  readonly label: string;
  /** Looks only at the first page of (decompressed) lines. */
  sniff(firstLines: readonly string[]): Sniff;
  createParser(builder: ProfileBuilder, ctx: ParseContext): TextSink;
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
