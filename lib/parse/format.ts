import type { ProfileBuilder } from '../profile/builder';

/** Tri-state answer of a format's sniffer. */
export type Sniff = 'yes' | 'no' | 'maybe';

/** Receives a capture line by line; `lineNo` counts from 1. */
export interface LineSink {
  line(text: string, lineNo: number): void;
  /** Called once after the last line. */
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
  createParser(builder: ProfileBuilder, ctx: ParseContext): LineSink;
}
