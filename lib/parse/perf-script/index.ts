import type { ProfileBuilder } from '../../profile/builder';
import { SampleFlag } from '../../profile/types';
import { grown } from '../../util/growable';
import { detach } from '../../util/intern';
import { BoundedCache } from '../cache';
import type { CaptureFormat, ParseContext, Sniff, TextSink } from '../format';
import * as scan from '../scan';
import { TraceDecoder } from '../trace-events';
import { parseEventLine, parseRecordTail, type RecordHead, type RecordTail } from './event-line';
import { parseFrameLine } from './frame-line';
import { readHeaderLine } from './header';
import * as perfScan from './scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { isBlank, skipBlanks } = scan;
const { blockKey, findTimeField, leadingAddress, looksLikeFrame, TIME_FIELD } = perfScan;

/** Deeper callchains are cut (root side) with a warning; perf caps them at 127 by default (kernel.perf_event_max_stack). */
export const MAX_STACK_DEPTH = 1024;
/** Line caches are dropped and rebuilt when they grow past this many entries. */
const LINE_CACHE = { maxEntries: 1 << 20 };
/** Callchain blocks seen before are cached whole, up to this many characters in all. */
const BLOCK_CACHE = { maxCost: 32 << 20 };
const SKIP = -2;
const HEXISH_FRAME = /^[0-9a-fA-F]+\s+\S/;

/** Frame lines seen before, by address; `next` chains lines that share an address. */
interface FrameEntry {
  readonly line: string;
  readonly id: number;
  readonly next: FrameEntry | undefined;
}

/** A whole callchain (the lines between a record line and the blank line) seen before. */
interface Block {
  readonly key: string;
  readonly stack: number;
  readonly lines: number;
  readonly next: Block | undefined;
}

interface Head {
  readonly info: RecordHead;
  readonly thread: number;
}
interface Tail {
  readonly info: RecordTail;
  readonly event: number;
  readonly flags: number;
}

/** What a line turned out to be. */
const Kind = { Other: 0, Record: 1 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

class PerfScriptParser implements TextSink {
  private readonly headerSeen = new Set<string>();
  /** Frame lines by address (a bucket of the lines that share it). */
  private readonly frameCache = new BoundedCache<number, FrameEntry>(LINE_CACHE);
  /** Record lines by the text before the time field, and after it. */
  private readonly headCache = new BoundedCache<string, Head>(LINE_CACHE);
  private readonly tailCache = new BoundedCache<string, Tail>(LINE_CACHE);
  private lastTailKey = '';
  private lastTail: Tail | undefined;
  /** Whole callchains by blockKey (a bucket of the blocks that share it); costs their characters. */
  private readonly blockCache = new BoundedCache<number, Block>(BLOCK_CACHE);
  /** The callchain being read line by line, to be cached when it ends cleanly at `end`. */
  private pending: { key: string; addr: number; end: number; firstLine: number } | null = null;
  private frames = new Int32Array(256);
  private depth = 0;
  private truncated = false;
  /** Frame lines of the current callchain past the depth cap (not read: only counted). */
  private cut = 0;
  private cutLine = 0;
  private curHead: Head | null = null;
  private curTail: Tail | null = null;
  private curTime = NaN;
  private lineNo = 0;

  private readonly decoder: TraceDecoder;

  constructor(
    private readonly builder: ProfileBuilder,
    _ctx: ParseContext,
  ) {
    this.decoder = new TraceDecoder(builder, () => builder.getMeta().arch);
  }

  chunk(text: string): void {
    const n = text.length;
    let pos = 0;
    // The first blank line at or after some point of this chunk (n + 1: none). Searches for the
    // end of a callchain block start where the last one ended, so scanning stays linear even
    // when blank lines are far apart (tracepoint records have no callchain and no blank line).
    let blankAt = -1;
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      const lineNo = ++this.lineNo;
      if (nl === pos) {
        this.blankLine(pos);
        pos = nl + 1;
        continue;
      }
      if (this.line(text.slice(pos, nl), lineNo) === Kind.Record && this.depth === 0 && isBlank(text.charCodeAt(nl + 1))) {
        // Most callchains repeat: look the whole block up (bucket by a sampled hash, then an
        // exact comparison) before reading it line by line.
        if (blankAt < nl) blankAt = text.indexOf('\n\n', nl);
        if (blankAt < 0) blankAt = n + 1;
        const end = blankAt <= n ? blankAt : -1;
        if (end >= 0) {
          const length = end - nl;
          const addr = blockKey(text, nl + 1, end + 1);
          let hit: Block | undefined;
          let block: string | undefined;
          for (let b = this.blockCache.get(addr); b !== undefined; b = b.next) {
            // A slice compared with === is a memcmp; startsWith and full hashing walk characters.
            if (b.key.length === length && b.key === (block ??= text.slice(nl + 1, end + 1))) {
              hit = b;
              break;
            }
          }
          if (hit !== undefined) {
            this.lineNo += hit.lines + 1;
            this.flush(hit.stack);
            pos = end + 2;
            continue;
          }
          this.pending = { key: block ?? text.slice(nl + 1, end + 1), addr, end: end + 1, firstLine: lineNo };
        }
      }
      pos = nl + 1;
    }
    this.pending = null;
  }

  end(): void {
    // stackcollapse-perf.pl drops a last sample that no blank line ends; we count it.
    this.flush();
    this.decoder.finish();
    this.builder.setLineCount(this.lineNo);
  }

  private blankLine(pos: number): void {
    const p = this.pending;
    this.pending = null;
    const stack = this.flush();
    if (p !== null && p.end === pos && stack !== undefined) {
      const lines = this.lineNo - p.firstLine - 1;
      this.blockCache.prepend(p.addr, (next) => ({ key: detach(p.key), stack, lines, next }), p.key.length);
    }
  }

  private line(text: string, lineNo: number): Kind {
    const c = text.charCodeAt(0);
    if (this.curHead !== null && isBlank(c)) {
      // Hot path: a callchain line seen before, found by its address (a number hashes far
      // faster than the line) and confirmed by comparing the whole line.
      const addr = leadingAddress(text);
      if (addr >= 0) {
        for (let e = this.frameCache.get(addr); e !== undefined; e = e.next) {
          if (e.line === text) {
            if (e.id !== SKIP) this.pushFrame(e.id, lineNo);
            return Kind.Other;
          }
        }
      }
    }
    if (c === 35 /* # */) {
      this.pending = null;
      readHeaderLine(text, this.builder, this.headerSeen);
      return Kind.Other;
    }
    // Old perf versions right-align the comm, so a record line may start with blanks, and
    // some dumps have frame lines that do not: an indented line is taken as a frame at once
    // only when it starts with a hex address followed by something other than a number.
    if (this.curHead && isBlank(c) && looksLikeFrame(text) && this.frameLine(text, lineNo)) return Kind.Other;
    if (this.recordLine(text, lineNo)) return Kind.Record;
    if (this.curHead && this.frameLine(text, lineNo)) return Kind.Other;
    if (text.trim().length === 0) {
      this.pending = null;
      this.flush();
      return Kind.Other;
    }
    this.warn(lineNo, this.curHead ? 'unrecognized stack line' : 'line is neither a sample record nor inside a sample');
    return Kind.Other;
  }

  private warn(lineNo: number, message: string): void {
    this.pending = null; // a cached block would skip the warning next time
    this.builder.warn(lineNo, message);
  }

  private frameLine(text: string, lineNo: number): boolean {
    if (this.depth >= MAX_STACK_DEPTH && this.curHead) {
      // Past the cap the frames are dropped: counted, never interned (a hostile 200k-deep chain
      // must not cost 200k frames of memory).
      this.cutFrame(lineNo);
      return true;
    }
    const f = parseFrameLine(text, skipBlanks(text, 0));
    if (!f) return false;
    // [unknown] symbols keep their address (the `addrs` option prints it).
    const id = f.symbol.startsWith('(') ? SKIP : this.builder.frame(f.symbol, f.module, f.symbol.includes('[unknown]') ? f.address : '');
    const addr = leadingAddress(text);
    if (addr >= 0) this.frameCache.prepend(addr, (next) => ({ line: detach(text), id, next }));
    if (id !== SKIP) this.pushFrame(id, lineNo);
    return true;
  }

  private cutFrame(lineNo: number): void {
    if (!this.truncated) this.cutLine = lineNo;
    this.truncated = true;
    this.cut++;
  }

  private pushFrame(id: number, lineNo: number): void {
    if (this.depth === MAX_STACK_DEPTH) {
      this.cutFrame(lineNo);
      return;
    }
    if (this.depth === this.frames.length) this.frames = grown(this.frames, this.frames.length * 2);
    this.frames[this.depth++] = id;
  }

  /** Starts a sample if `text` is a record line; cached by the text before and after the time field. */
  private recordLine(text: string, lineNo: number): boolean {
    const t = findTimeField(text);
    let head: Head | undefined;
    if (t >= 0) {
      const timeEnd = TIME_FIELD.end;
      head = this.headCache.get(text.slice(0, t));
      if (head) {
        const after = text.slice(timeEnd);
        // Consecutive records mostly share their tail (same period and event): compare before hashing.
        let tail = after === this.lastTailKey ? this.lastTail : undefined;
        if (tail === undefined) {
          tail = this.tailCache.get(after) ?? this.makeTail(parseRecordTail(after, text.slice(timeEnd - 1)), after);
          if (tail.info.rest.length === 0) {
            this.lastTailKey = after;
            this.lastTail = tail;
          }
        }
        this.start(head, tail, this.builder.relNs('boot', TIME_FIELD.sec, TIME_FIELD.nsOfSec), lineNo);
        return true;
      }
    }
    const rec = parseEventLine(text);
    if (!rec) return false;
    head = this.makeHead(rec, rec.timeAt >= 0 && rec.timeAt === t ? text.slice(0, rec.timeAt) : null);
    const tail = this.makeTail(rec, rec.hasTime ? text.slice(rec.timeEnd) : null);
    this.start(head, tail, rec.hasTime ? this.builder.relNs('boot', rec.sec, rec.nsOfSec) : NaN, lineNo);
    return true;
  }

  private makeHead(info: RecordHead, key: string | null): Head {
    const head: Head = {
      info: { comm: detach(info.comm), pid: info.pid, tid: info.tid, cpu: info.cpu },
      thread: this.builder.thread(info.comm, info.pid, info.tid),
    };
    if (key !== null) this.headCache.set(detach(key), head);
    return head;
  }

  private makeTail(info: RecordTail, key: string | null): Tail {
    const tail: Tail = {
      info: { ...info, event: detach(info.event) },
      event: this.builder.eventType(info.event || 'sample', /(^|:)(cpu-clock|task-clock)/.test(info.event) ? 'ns' : 'events'),
      flags: info.perlFilterable ? 0 : SampleFlag.PerlUnfilterable,
    };
    // Payloads differ on every line: only payload-free tails are worth caching.
    if (key !== null && info.rest.length === 0) this.tailCache.set(detach(key), tail);
    return tail;
  }

  private start(head: Head, tail: Tail, timeNs: number, lineNo: number): void {
    this.pending = null;
    this.flush();
    this.curHead = head;
    this.curTail = tail;
    this.curTime = timeNs;
    const rest = tail.info.rest;
    if (rest.length > 0 && HEXISH_FRAME.test(rest)) {
      // Without callchains (`perf record` without -g) the only frame is on the record line.
      const f = parseFrameLine(rest);
      if (f && !f.symbol.startsWith('(')) {
        this.pushFrame(this.builder.frame(f.symbol, f.module, f.symbol.includes('[unknown]') ? f.address : ''), lineNo);
        this.curTail = { ...tail, info: { ...tail.info, rest: '' } };
      }
    }
  }

  /** Ends the current sample (with the given stack, else the frames read); returns its stack. */
  private flush(knownStack?: number): number | undefined {
    const head = this.curHead;
    const tail = this.curTail;
    if (!head || !tail) return undefined;
    const b = this.builder;
    const stack = knownStack ?? b.stackFromLeafFirst(this.frames, this.depth);
    const t = tail.info;
    let payload = 0;
    if (t.rest.length > 0) {
      // Tracepoints: sched_switch and syscalls go to their tables; other payloads are kept as text.
      const h = head.info;
      const ctx = { timeNs: this.curTime, cpu: h.cpu, tid: h.tid, thread: head.thread };
      if (!this.decoder.event(t.event, t.rest, ctx)) payload = b.strings.intern(t.rest);
    }
    b.sample(this.curTime, stack, head.thread, head.info.cpu, tail.event, t.period, t.perlWeight, tail.flags, payload);
    this.curHead = null;
    this.curTail = null;
    const truncated = this.truncated;
    if (truncated) this.warn(this.cutLine, `callchain of ${this.depth + this.cut} frames cut to ${MAX_STACK_DEPTH}: the ${this.cut} outermost were dropped`);
    this.depth = 0;
    this.truncated = false;
    this.cut = 0;
    return truncated ? undefined : stack;
  }
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

export const perfScriptFormat: CaptureFormat = {
  id: 'perf-script',
  label: 'perf script',
  sniff,
  createParser: (builder: ProfileBuilder, ctx: ParseContext) => new PerfScriptParser(builder, ctx),
};
