/**
 * Lines that are not records: tracefs `#` comments (`# tracer: NAME`,
 * `# entries-in-buffer/entries-written: a/b   #P:N`, the column help, `##### CPU 1 buffer
 * started ####`) and trace-cmd's report lines (`cpus=N`, `version = 6`, `CPU 0 is empty`,
 * `Buffer: NAME`, `CPU:1 [LOST 12 EVENTS]`, `CPU:1 [SUBBUFFER START]`). They are rare, so
 * regular expressions are fine here.
 */
import type { ProfileBuilder } from '../../profile/builder';

export interface HeaderState {
  /** `# tracer: NAME` when seen. */
  tracer: string;
  /** The column help of function_graph (`# CPU  DURATION   FUNCTION CALLS`) was seen. */
  graphColumns: boolean;
}

const TRACER = /^#\s*tracer:\s*(\S+)/;
const ENTRIES = /^#\s*entries-in-buffer\/entries-written:\s*(\d+)\/(\d+)\s+#P:(\d+)/;
const CPUS = /^(?:\S+:\s+)?cpus=(\d+)\s*$/;
const LOST = /^CPU:\s*(\d+) \[(?:LOST (\d+) EVENTS|(\d+) EVENTS DROPPED|EVENTS DROPPED)\]\s*$/;
const QUIET = /^(?:version = \d+|CPU \d+ is empty|Buffer: .*|CPU:\s*\d+ \[SUBBUFFER START\].*|\s*\(Overruns: \d+\))\s*$/;

function setCpus(builder: ProfileBuilder, text: string): void {
  const n = Number(text);
  if (Number.isInteger(n) && n > 0 && builder.getMeta().nrcpusOnline === undefined) builder.setMeta({ nrcpusOnline: n });
}

/** A `#` line. */
export function readComment(text: string, builder: ProfileBuilder, state: HeaderState): void {
  const tracer = TRACER.exec(text);
  if (tracer) {
    state.tracer = tracer[1] as string;
    return;
  }
  const entries = ENTRIES.exec(text);
  if (entries) {
    setCpus(builder, entries[3] as string);
    return;
  }
  if (text.includes('DURATION') && text.includes('FUNCTION CALLS')) state.graphColumns = true;
}

/** A trace-cmd report line that is not a record; false when `text` is none of them. */
export function readReportLine(text: string, lineNo: number, builder: ProfileBuilder, beforeLost: () => void): boolean {
  const cpus = CPUS.exec(text);
  if (cpus) {
    setCpus(builder, cpus[1] as string);
    return true;
  }
  const lost = LOST.exec(text);
  if (lost) {
    const count = lost[2] ?? lost[3];
    builder.warn(lineNo, `CPU ${lost[1]} lost ${count ?? 'some'} events here (ring buffer overrun): its records around this point are incomplete`);
    beforeLost(); // the records read so far come before the gap
    builder.lost(Number(lost[1]));
    return true;
  }
  return QUIET.test(text);
}

/** Survey of the first lines for sniffing: is this tracefs text or trace-cmd report? */
export function isTraceCmdHeader(text: string): boolean {
  return CPUS.test(text);
}

export function isTracefsHeader(text: string): boolean {
  return TRACER.test(text) || ENTRIES.test(text);
}
