/**
 * Tells tracefs text from trace-cmd report from everything else, on the first page of lines.
 * tracefs: a `# tracer:` / `# entries-in-buffer` header, or records with the flags column
 * (`trace_pipe` has no header), or function_graph lines. trace-cmd: a `cpus=N` line, records
 * with an instance prefix, or records without flags (its default) and no tracefs header.
 */
import type { Sniff } from '../format';
import { isTraceCmdHeader, isTracefsHeader } from './header';
import { GL, GraphKind, parseGraphLine } from './graph-line';
import * as scan from '../scan';
import { EV, parseEventLine } from './line';
import { isFrameLine } from './stacktrace';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { skipBlanks } = scan;

interface Survey {
  tracefsHeader: boolean;
  traceCmdHeader: boolean;
  /** Records with a flags column, without, and with an instance prefix. */
  flagged: number;
  plain: number;
  prefixed: number;
  graph: number;
  /** Lines that fit either format (stack frames, separators, report lines). */
  neutral: number;
  data: number;
}

const OTHER_REPORT_LINE = /^(?:version = \d+|CPU \d+ is empty|Buffer: .*|CPU:\s*\d+ \[.*\])\s*$/;

function survey(lines: readonly string[]): Survey {
  const s: Survey = { tracefsHeader: false, traceCmdHeader: false, flagged: 0, plain: 0, prefixed: 0, graph: 0, neutral: 0, data: 0 };
  for (const line of lines) {
    if (line.length === 0) continue;
    if (line.charCodeAt(0) === 35 /* # */) {
      if (isTracefsHeader(line)) s.tracefsHeader = true;
      continue;
    }
    if (line.trim().length === 0) continue;
    s.data++;
    if (isTraceCmdHeader(line)) {
      s.traceCmdHeader = true;
      s.neutral++;
    } else if (isFrameLine(line) || OTHER_REPORT_LINE.test(line)) {
      s.neutral++;
    } else if (parseEventLine(line, true)) {
      if (EV.commStart > skipBlanks(line, 0)) s.prefixed++;
      else if (EV.flagsStart >= 0) s.flagged++;
      else s.plain++;
    } else {
      const kind = parseGraphLine(line);
      if (kind === GraphKind.Separator || kind === GraphKind.Switch) s.neutral++;
      else if (kind !== GraphKind.None && GL.strong) s.graph++;
    }
    if (s.data >= 200) break;
  }
  return s;
}

export function sniffFtrace(lines: readonly string[]): Sniff {
  const s = survey(lines);
  if (s.traceCmdHeader || s.prefixed > 0) return 'no';
  const fitting = s.flagged + s.plain + s.graph + s.neutral;
  if (s.tracefsHeader && fitting >= s.data * 0.9) return 'yes';
  if (s.flagged + s.graph > 0 && fitting >= s.data * 0.9) return 'yes';
  if (s.plain > 0 && fitting >= s.data * 0.9) return 'maybe';
  return 'no';
}

export function sniffTraceCmd(lines: readonly string[]): Sniff {
  const s = survey(lines);
  if (s.tracefsHeader) return 'no';
  const fitting = s.flagged + s.plain + s.prefixed + s.graph + s.neutral;
  if (s.traceCmdHeader && fitting >= s.data * 0.9) return 'yes';
  if (s.prefixed + s.plain > 0 && s.flagged === 0 && s.graph === 0 && fitting >= s.data * 0.9) return 'yes';
  if (s.flagged + s.plain + s.prefixed > 0 && fitting >= s.data * 0.9) return 'maybe';
  return 'no';
}
