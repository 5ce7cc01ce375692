/** A fatal problem in a capture, with where it happened. */
export class ParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'ParseError';
  }
}

/** The input is not in any supported format (decided from its first page). */
export class UnknownFormatError extends Error {
  constructor(
    readonly file: string,
    readonly firstLine: string,
  ) {
    super(
      `${file}: not a supported capture format (perf script, ftrace/trace-cmd text, strace, folded stacks, pprof, speedscope JSON); it starts with ${JSON.stringify(firstLine.slice(0, 80))}`,
    );
    this.name = 'UnknownFormatError';
  }
}

/** The capture exceeds a configured size limit (after decompression). */
export class CaptureTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly limit: number,
    detail = `capture is larger than the ${limit}-byte limit after decompression (TRACEFLEET_MAX_NODE_BYTES)`,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'CaptureTooLargeError';
  }
}
