/**
 * The line parser shared by tracefs text and trace-cmd report: each line is a record
 * (line.ts), a stack frame (stacktrace.ts), a function_graph line (function-graph.ts) or a
 * header/report line (header.ts). Every record becomes a sample; sched_switch and syscall
 * events also feed the CPU-slice and syscall tables through TraceDecoder.
 */
import type { ProfileBuilder } from '../../profile/builder';
import { detach } from '../../util/intern';
import { BoundedCache } from '../cache';
import type { LineSink, ParseContext } from '../format';
import { TraceDecoder, type EventContext } from '../trace-events';
import * as bodyModule from './body';
import { FrameCache } from './frames';
import { FunctionGraph, type GraphHost } from './function-graph';
import * as graphLineModule from './graph-line';
import { readComment, readReportLine, type HeaderState } from './header';
import * as lineModule from './line';
import { StackCollector } from './stacktrace';
import * as stacktraceModule from './stacktrace';

/** What is used on every line, bound once (see ../scan.ts on calls through import bindings). */
const { BODY, BodyKind, classifyBody } = bodyModule;
const { GL, GraphKind, parseGraphLine } = graphLineModule;
const { EV, parseEventLine } = lineModule;
const { isFrameLine } = stacktraceModule;

/** Body kinds as plain constants (an imported object costs a property load per use). */
const G_NONE = GraphKind.None;
const B_EVENT = BodyKind.Event;
const B_SYS_ENTER = BodyKind.SysEnter;
const B_SYS_EXIT = BodyKind.SysExit;
const B_FUNCTION = BodyKind.Function;
const B_STACK = BodyKind.Stack;
const B_USER_STACK = BodyKind.UserStack;

/** Caches are dropped and rebuilt when they grow past this many entries. */
const CACHE = { maxEntries: 1 << 20 };

/** Threads seen before, by tid; `next` chains other comms/tgids of the same tid. */
interface ThreadEntry {
  readonly comm: string;
  readonly tgid: number;
  readonly id: number;
  readonly next: ThreadEntry | undefined;
}

/** Event names seen before, by the hash of their text; `next` chains names that share a hash. */
interface EventEntry {
  readonly name: string;
  /** Event type, or one of the SPECIAL_* records that are not plain events. */
  readonly id: number;
  readonly next: EventEntry | undefined;
}

/** trace-cmd prints the ftrace tracers' own records as events with these names. */
const SPECIAL_FUNCTION = -1;
const SPECIAL_GRAPH = -2;
const SPECIAL_KERNEL_STACK = -3;
const SPECIAL_USER_STACK = -4;
const SPECIAL: Record<string, number> = {
  function: SPECIAL_FUNCTION,
  funcgraph_entry: SPECIAL_GRAPH,
  funcgraph_exit: SPECIAL_GRAPH,
  kernel_stack: SPECIAL_KERNEL_STACK,
  user_stack: SPECIAL_USER_STACK,
};

/** The two frames of a function-tracer line (`func <-parent`), parent -1 when not printed. */
interface FunctionFrames {
  readonly func: number;
  readonly parent: number;
}

export class FtraceParser implements LineSink, GraphHost {
  private readonly decoder: TraceDecoder;
  private readonly frames: FrameCache;
  private readonly stacks: StackCollector;
  private readonly graph: FunctionGraph;
  private readonly header: HeaderState = { tracer: '', graphColumns: false };
  private readonly events = new BoundedCache<number, EventEntry>(CACHE);
  private functionEvent = -1;
  /** `sys_NAME` → event types of `sys_enter_NAME` and `sys_exit_NAME`. */
  private readonly syscallEvents = new BoundedCache<string, readonly [number, number]>(CACHE);
  private readonly threads = new BoundedCache<number, ThreadEntry>(CACHE);
  /** Function-tracer bodies (`func <-parent`) by their text. */
  private readonly functions = new BoundedCache<string, FunctionFrames>(CACHE);
  private readonly ctx: EventContext = { timeNs: 0, cpu: 0, tid: 0, thread: 0 };

  constructor(
    private readonly builder: ProfileBuilder,
    _ctx: ParseContext,
    /** trace-cmd report: lines may carry a `{instance}: ` prefix. */
    private readonly traceCmd: boolean,
  ) {
    this.decoder = new TraceDecoder(builder, () => builder.getMeta().arch);
    this.frames = new FrameCache(builder);
    this.stacks = new StackCollector(builder, this.frames);
    this.graph = new FunctionGraph(builder, this.frames, this);
  }

  line(text: string, lineNo: number): void {
    if (text.length === 0) {
      this.stacks.endBlock();
      return;
    }
    const c = text.charCodeAt(0);
    if (c === 35 /* # */) {
      this.stacks.endBlock();
      readComment(text, this.builder, this.header);
      if (this.header.tracer === 'function_graph' || this.header.graphColumns) this.graph.active = true;
      return;
    }
    if ((c === 32 || c === 61) && isFrameLine(text)) {
      if (!this.stacks.frameLine(text, lineNo)) this.builder.warn(lineNo, 'stack frame line (" => …") without a record before it');
      return;
    }
    this.stacks.endBlock();
    if (this.graph.active) {
      // function_graph output: its lines first (they have no `[cpu]` field, and looking for the
      // layout of an event line in them costs a full scan).
      const kind = parseGraphLine(text);
      if (kind !== G_NONE && GL.strong) {
        this.graph.line(kind, text, lineNo);
        return;
      }
      if (parseEventLine(text, this.traceCmd)) {
        this.eventLine(text, lineNo);
        return;
      }
      if (this.graph.line(kind, text, lineNo)) return;
    } else {
      if (parseEventLine(text, this.traceCmd)) {
        this.eventLine(text, lineNo);
        return;
      }
      if (!this.traceCmd && this.graph.line(parseGraphLine(text), text, lineNo)) return;
    }
    if (readReportLine(text, lineNo, this.builder, () => this.stacks.flushAll())) return;
    if (text.trim().length === 0) return;
    this.builder.warn(lineNo, 'not an ftrace record (expected "comm-pid [cpu] flags timestamp: event: fields")');
  }

  end(lineCount: number): void {
    this.graph.finish();
    this.stacks.flushAll();
    this.decoder.finish();
    this.builder.setLineCount(lineCount);
  }

  /** An event printed by function_graph as a comment (only when the output has times). */
  graphComment(text: string, timeNs: number, cpu: number, thread: number, tid: number, lineNo: number): void {
    this.body(text, 0, timeNs, cpu, thread, tid, lineNo, true);
  }

  private eventLine(text: string, lineNo: number): void {
    const ev = EV;
    const timeNs = this.builder.relNs(ev.counter ? 'none' : 'boot', ev.sec, ev.nsOfSec);
    this.body(text, ev.bodyStart, timeNs, ev.cpu, this.thread(text, ev.pid, ev.tgid, ev.commStart, ev.commEnd), ev.pid, lineNo, false);
  }

  private body(text: string, start: number, timeNs: number, cpu: number, thread: number, tid: number, lineNo: number, quiet: boolean): void {
    const kind = classifyBody(text, start);
    switch (kind) {
      case B_EVENT:
        this.event(text, start, timeNs, cpu, thread, tid, lineNo);
        return;
      case B_SYS_ENTER:
      case B_SYS_EXIT: {
        const events = this.syscallEventTypes(text.slice(start, BODY.nameEnd));
        const rest = text.slice(start);
        const ctx = this.context(timeNs, cpu, tid, thread);
        this.stacks.settle(cpu);
        const payload = this.decoder.ftraceSyscall(rest, ctx) ? 0 : this.builder.strings.intern(rest);
        this.stacks.begin(cpu, timeNs, thread, tid, kind === B_SYS_ENTER ? events[0] : events[1], payload);
        return;
      }
      case B_FUNCTION:
        this.functionRecord(text, start, timeNs, cpu, thread, tid);
        return;
      case B_STACK:
      case B_USER_STACK:
        this.stacks.startBlock(kind === B_USER_STACK, cpu, timeNs, thread, tid);
        return;
      default:
        if (!quiet) this.builder.warn(lineNo, 'record with an unrecognized body (expected "event: fields", "func <-parent" or "<stack trace>")');
    }
  }

  private event(text: string, start: number, timeNs: number, cpu: number, thread: number, tid: number, lineNo: number): void {
    const body = BODY;
    const nameEnd = body.nameEnd;
    const payloadStart = body.payloadStart;
    const e = this.eventEntry(text, start, nameEnd, body.nameHash);
    switch (e.id) {
      case SPECIAL_FUNCTION:
        if (classifyBody(text, payloadStart) === B_FUNCTION) this.functionRecord(text, payloadStart, timeNs, cpu, thread, tid);
        else this.builder.warn(lineNo, 'function record without a function name');
        return;
      case SPECIAL_GRAPH:
        if (!this.graph.payload(text, nameEnd + 1, lineNo, timeNs, cpu, thread, tid)) this.builder.warn(lineNo, `unrecognized ${e.name} record`);
        return;
      case SPECIAL_KERNEL_STACK:
      case SPECIAL_USER_STACK:
        this.stacks.startBlock(e.id === SPECIAL_USER_STACK, cpu, timeNs, thread, tid);
        return;
    }
    const rest = text.slice(payloadStart);
    this.stacks.settle(cpu);
    const payload = this.decoder.event(e.name, rest, this.context(timeNs, cpu, tid, thread)) ? 0 : this.builder.strings.intern(rest);
    this.stacks.begin(cpu, timeNs, thread, tid, e.id, payload);
  }

  /** The event named text[start, end), found by its hash and compared in place. */
  private eventEntry(text: string, start: number, end: number, hash: number): EventEntry {
    const length = end - start;
    const head = this.events.get(hash);
    for (let e = head; e !== undefined; e = e.next) if (e.name.length === length && text.startsWith(e.name, start)) return e;
    const name = detach(text.slice(start, end));
    const special = Object.hasOwn(SPECIAL, name) ? (SPECIAL[name] as number) : 0;
    const id = special < 0 ? special : this.builder.eventType(name, 'samples');
    return this.events.prepend(hash, (next) => ({ name, id, next }));
  }

  /** A function-tracer record at text[start…] (BODY already describes it). */
  private functionRecord(text: string, start: number, timeNs: number, cpu: number, thread: number, tid: number): void {
    const key = start > 0 ? text.slice(start) : text;
    let f = this.functions.get(key);
    if (f === undefined) {
      const body = BODY;
      const func = this.frames.kernel(text.slice(start, body.funcEnd));
      const parent = body.parentStart >= 0 ? this.frames.kernel(text.slice(body.parentStart, body.parentEnd)) : -1;
      f = { func, parent };
      this.functions.set(detach(key), f);
    }
    if (this.functionEvent < 0) this.functionEvent = this.builder.eventType('function', 'samples');
    const slot = this.stacks.begin(cpu, timeNs, thread, tid, this.functionEvent, 0);
    slot.push(f.func);
    if (f.parent >= 0) slot.push(f.parent);
    slot.lineFrames = slot.count;
  }

  private syscallEventTypes(sysName: string): readonly [number, number] {
    let pair = this.syscallEvents.get(sysName);
    if (pair === undefined) {
      const name = sysName.slice(4);
      pair = [this.builder.eventType(`sys_enter_${name}`, 'samples'), this.builder.eventType(`sys_exit_${name}`, 'samples')];
      this.syscallEvents.set(detach(sysName), pair);
    }
    return pair;
  }

  private context(timeNs: number, cpu: number, tid: number, thread: number): EventContext {
    const ctx = this.ctx;
    ctx.timeNs = timeNs;
    ctx.cpu = cpu;
    ctx.tid = tid;
    ctx.thread = thread;
    return ctx;
  }

  /** The thread of a record, cached by tid and compared in place (no string per line). */
  private thread(text: string, tid: number, tgid: number, start: number, end: number): number {
    const length = end - start;
    const head = this.threads.get(tid);
    for (let e = head; e !== undefined; e = e.next) {
      if (e.tgid === tgid && e.comm.length === length && text.startsWith(e.comm, start)) return e.id;
    }
    const comm = detach(text.slice(start, end));
    const id = this.builder.thread(comm, tgid, tid);
    this.threads.prepend(tid, (next) => ({ comm, tgid, id, next }));
    return id;
  }
}
