import type { ProfileBuilder } from '../../profile/builder';
import { SampleFlag } from '../../profile/types';
import { detach } from '../../util/intern';
import type { CaptureFormat, LineSink, ParseContext, Sniff } from '../format';
import { parseEventLine, type EventLine } from './event-line';
import { parseFrameLine } from './frame-line';
import { readHeaderLine } from './header';

/** Deeper callchains are cut (root side) with a warning; perf's own default limit is 127. */
export const MAX_STACK_DEPTH = 4096;
const SKIP = -2;
const HEXISH_FRAME = /^[0-9a-fA-F]+\s+\S/;

/** Called for each record whose event line carries a payload (tracepoints). */
export type PayloadHook = (record: EventLine, sampleIndex: number, lineNo: number) => void;

class PerfScriptParser implements LineSink {
  private readonly headerSeen = new Set<string>();
  private readonly frameCache = new Map<string, number>();
  private frames = new Int32Array(256);
  private depth = 0;
  private truncated = false;
  private cur: EventLine | null = null;
  private curLine = 0;

  constructor(
    private readonly builder: ProfileBuilder,
    private readonly ctx: ParseContext,
    private readonly onPayload?: PayloadHook,
  ) {}

  line(text: string, lineNo: number): void {
    if (text.length === 0) {
      this.flush();
      return;
    }
    const c = text.charCodeAt(0);
    if (c === 35 /* # */) {
      readHeaderLine(text, this.builder, this.headerSeen);
      return;
    }
    // Old perf versions right-align the comm, so a record line may start with blanks, and
    // some dumps have frame lines that do not: an indented line is taken as a frame at once
    // only when it starts with a hex address followed by something other than a number.
    if (this.cur && (c === 32 || c === 9) && looksLikeFrame(text) && this.frameLine(text, lineNo)) return;
    const record = parseEventLine(text);
    if (record) return this.startRecord(record, lineNo);
    if (this.cur && this.frameLine(text, lineNo)) return;
    if (text.trim().length === 0) return this.flush();
    this.builder.warn(lineNo, this.cur ? 'unrecognized stack line' : 'line is neither a sample record nor inside a sample');
  }

  end(lineCount: number): void {
    // stackcollapse-perf.pl drops a last sample that no blank line ends; we count it.
    this.flush();
    this.builder.setLineCount(lineCount);
  }

  private frameLine(text: string, lineNo: number): boolean {
    let from = 0;
    while (from < text.length && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
    let j = from;
    while (j < text.length && text.charCodeAt(j) !== 32 && text.charCodeAt(j) !== 9) j++;
    while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    // Frames are cached by what follows the address, except for [unknown] symbols whose
    // address is kept (the `addrs` option prints it).
    const key = text.charCodeAt(j) === 91 && text.startsWith('[unknown]', j) ? text.slice(from) : text.slice(j);
    let id = this.frameCache.get(key);
    if (id === undefined) {
      const f = parseFrameLine(text, from);
      if (!f) return false;
      id = f.symbol.startsWith('(') ? SKIP : this.builder.frame(f.symbol, f.module, f.symbol.includes('[unknown]') ? f.address : '');
      this.frameCache.set(detach(key), id);
    }
    if (id !== SKIP) this.pushFrame(id, lineNo);
    return true;
  }

  private pushFrame(id: number, lineNo: number): void {
    if (this.depth === MAX_STACK_DEPTH) {
      if (!this.truncated) this.builder.warn(lineNo, `callchain deeper than ${MAX_STACK_DEPTH} frames; the outermost frames were dropped`);
      this.truncated = true;
      return;
    }
    if (this.depth === this.frames.length) {
      const next = new Int32Array(this.frames.length * 2);
      next.set(this.frames);
      this.frames = next;
    }
    this.frames[this.depth++] = id;
  }

  private startRecord(record: EventLine, lineNo: number): void {
    this.flush();
    this.cur = record;
    this.curLine = lineNo;
    if (record.rest.length > 0 && HEXISH_FRAME.test(record.rest)) {
      // Without callchains (`perf record` without -g) the only frame is on the record line.
      const f = parseFrameLine(record.rest);
      if (f && !f.symbol.startsWith('(')) {
        this.pushFrame(this.builder.frame(f.symbol, f.module, f.symbol.includes('[unknown]') ? f.address : ''), lineNo);
        record.rest = '';
      }
    }
  }

  private flush(): void {
    const r = this.cur;
    if (!r) return;
    const b = this.builder;
    const stack = b.stackFromLeafFirst(this.frames, this.depth);
    const time = r.hasTime ? b.relNs('boot', r.sec, r.nsOfSec) : NaN;
    const thread = b.thread(r.comm, r.pid, r.tid);
    const event = b.eventType(r.event || 'sample');
    const index = b.sampleCount;
    b.sample(time, stack, thread, r.cpu, event, r.period, r.perlWeight, r.perlFilterable ? 0 : SampleFlag.PerlUnfilterable);
    if (this.onPayload && r.rest.length > 0) this.onPayload(r, index, this.curLine);
    this.cur = null;
    this.depth = 0;
    this.truncated = false;
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function looksLikeFrame(text: string): boolean {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const start = i;
  while (i < text.length && isHex(text.charCodeAt(i))) i++;
  if (i === start || i === text.length) return false;
  const sep = text.charCodeAt(i);
  if (sep !== 32 && sep !== 9) return false;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const next = text.charCodeAt(i);
  return !(next >= 48 && next <= 57);
}

function sniff(lines: readonly string[]): Sniff {
  let records = 0;
  let frames = 0;
  let data = 0;
  for (const line of lines) {
    if (line.startsWith('# ========') || /^# (perf version|captured on|cmdline) ?:/.test(line)) return 'yes';
    if (line.length === 0 || line.startsWith('#')) continue;
    data++;
    if (parseEventLine(line)) records++;
    else if (parseFrameLine(line, line.length - line.trimStart().length)) frames++;
    if (data >= 200) break;
  }
  if (records > 0 && records + frames >= data * 0.9) return 'yes';
  if (records > 0 && records + frames >= data * 0.5) return 'maybe';
  return 'no';
}

export function createPerfScriptFormat(onPayload?: PayloadHook): CaptureFormat {
  return {
    id: 'perf-script',
    label: 'perf script',
    sniff,
    createParser: (builder: ProfileBuilder, ctx: ParseContext) => new PerfScriptParser(builder, ctx, onPayload),
  };
}

export const perfScriptFormat = createPerfScriptFormat();
