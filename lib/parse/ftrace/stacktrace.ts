/**
 * Event samples wait here until the next record of their CPU, so that a stack printed after
 * them can still be attached:
 *
 *   `  comm-1 [000] d..2.  12.345678: sched_switch: …`       (the event)
 *   `  comm-1 [000] d..2.  12.345680: <stack trace>`          (tracefs, options/stacktrace)
 *   ` => __schedule`                                           (frames, leaf first)
 *   ` => schedule`
 *
 * trace-cmd prints the same as a `kernel_stack: <stack trace >` event with `=> func (addr)`
 * frames. A stack trace attaches to the waiting sample of its CPU when that sample is of the
 * same task and has no kernel stack yet; otherwise it becomes a `kernel_stack` sample of its
 * own (a `stacktrace` trigger on an event that is not itself enabled prints only the stack).
 * `<user stack trace>` frames (options/userstacktrace) are appended below the kernel frames.
 */
import type { ProfileBuilder } from '../../profile/builder';
import { SampleFlag } from '../../profile/types';
import { grown } from '../../util/growable';
import * as scan from '../scan';
import type { FrameCache } from './frames';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { skipSpaces } = scan;

const UNFILTERABLE = SampleFlag.PerlUnfilterable;

/** Deeper stacks are cut (root side) with a warning. */
export const MAX_STACK_DEPTH = 1024;

/** One sample waiting for its CPU's next record. */
export class PendingSample {
  active = false;
  timeNs = 0;
  thread = 0;
  tid = 0;
  cpu = 0;
  event = 0;
  payload = 0;
  /** Frames, leaf first. */
  frames = new Int32Array(16);
  count = 0;
  /** The frames printed on the event line itself (the function tracer's `func <-parent`). */
  lineFrames = 0;
  hasKernelStack = false;
  hasUserStack = false;

  push(frame: number): boolean {
    if (this.count === MAX_STACK_DEPTH) return false;
    if (this.count === this.frames.length) this.frames = grown(this.frames, this.frames.length * 2);
    this.frames[this.count++] = frame;
    return true;
  }
}

const KIND_KERNEL = 0;
const KIND_USER = 1;

export class StackCollector {
  private slots: PendingSample[] = [];
  /** The sample that ` => ` frame lines go to, or null outside a stack block. */
  private target: PendingSample | null = null;
  private kind = KIND_KERNEL;
  private truncated = false;
  /** The sample of the last event line (frames right after an event line attach to it). */
  private last: PendingSample | null = null;

  constructor(
    private readonly builder: ProfileBuilder,
    private readonly frames: FrameCache,
  ) {}

  /** Emits the CPU's waiting sample and returns its slot, reset, for a new one. */
  begin(cpu: number, timeNs: number, thread: number, tid: number, event: number, payload: number): PendingSample {
    const slot = this.slot(cpu);
    if (slot.active) this.emit(slot);
    slot.active = true;
    slot.timeNs = timeNs;
    slot.thread = thread;
    slot.tid = tid;
    slot.cpu = cpu;
    slot.event = event;
    slot.payload = payload;
    slot.count = 0;
    slot.lineFrames = 0;
    slot.hasKernelStack = false;
    slot.hasUserStack = false;
    this.target = null;
    this.last = slot;
    return slot;
  }

  /**
   * A `<stack trace>` (or `<user stack trace>`) record: the frames that follow go to the CPU's
   * waiting sample of the same task, else to a new `kernel_stack` / `user_stack` sample.
   */
  startBlock(user: boolean, cpu: number, timeNs: number, thread: number, tid: number): void {
    const slot = cpu >= 0 ? this.slots[cpu] : undefined;
    let target: PendingSample;
    if (slot !== undefined && slot.active && slot.tid === tid && !(user ? slot.hasUserStack : slot.hasKernelStack)) {
      target = slot;
      // A stack replaces the function tracer's two frames, keeping the function as the leaf.
      if (!user && !slot.hasUserStack) slot.count = Math.min(slot.lineFrames, 1);
    } else {
      target = this.begin(cpu, timeNs, thread, tid, this.builder.eventType(user ? 'user_stack' : 'kernel_stack', 'samples'), 0);
    }
    if (user) target.hasUserStack = true;
    else target.hasKernelStack = true;
    this.target = target;
    this.kind = user ? KIND_USER : KIND_KERNEL;
    this.truncated = false;
  }

  /** A ` => frame` line; false when no sample can take it. */
  frameLine(text: string, lineNo: number): boolean {
    let target = this.target;
    if (target === null) {
      // Frames right after an event line, without a `<stack trace>` record of their own.
      const last = this.last;
      if (last === null || !last.active || last.hasKernelStack) return false;
      this.startBlock(false, last.cpu, last.timeNs, last.thread, last.tid);
      target = this.target as PendingSample | null;
      if (target === null) return false;
    }
    const from = skipSpaces(text, text.indexOf('=>') + 2);
    const id = this.kind === KIND_USER || looksLikeUserFrame(text, from) ? this.frames.user(text, from) : this.frames.kernel(text, from);
    // The function tracer's own frame may open the stack it asked for: do not repeat it.
    if (target.count === 1 && target.lineFrames > 0 && target.frames[0] === id && !target.hasUserStack) return true;
    if (!target.push(id) && !this.truncated) {
      this.truncated = true;
      this.builder.warn(lineNo, `stack deeper than ${MAX_STACK_DEPTH} frames; the outermost frames were dropped`);
    }
    return true;
  }

  /** Any line that is not a frame line ends the stack block (and frames no longer follow an event line). */
  endBlock(): void {
    this.target = null;
    this.last = null;
  }

  /**
   * Emits the CPU's waiting sample now (a new record of the CPU is about to be decoded: records
   * derived from it, like context switches, must come after the samples before it).
   */
  settle(cpu: number): void {
    const slot = cpu >= 0 ? this.slots[cpu] : this.slots[0];
    if (slot === undefined || !slot.active) return;
    this.emit(slot);
    if (this.last === slot) this.last = null;
  }

  /** Emits every waiting sample (end of input). */
  flushAll(): void {
    for (const slot of this.slots) if (slot.active) this.emit(slot);
    this.target = null;
    this.last = null;
  }

  private slot(cpu: number): PendingSample {
    const i = cpu < 0 ? 0 : cpu;
    let slot = this.slots[i];
    if (slot === undefined) {
      while (this.slots.length <= i) this.slots.push(new PendingSample());
      slot = this.slots[i] as PendingSample;
    }
    return slot;
  }

  private emit(slot: PendingSample): void {
    const b = this.builder;
    const stack = slot.count > 0 ? this.builder.stackFromLeafFirst(slot.frames, slot.count) : -1;
    b.sample(slot.timeNs, stack, slot.thread, slot.cpu, slot.event, 0, 1, UNFILTERABLE, slot.payload);
    slot.active = false;
    if (this.target === slot) this.target = null;
  }
}

/** `/path/lib.so[+0x…]` or ` <00007f…>`: a user frame even outside a `<user stack trace>` block. */
function looksLikeUserFrame(text: string, from: number): boolean {
  const c = text.charCodeAt(from);
  return c === 47 /* / */ || (c === 60 /* < */ && text.endsWith('>'));
}

/** ` => frame` (tracefs) or `=> frame` (trace-cmd). */
export function isFrameLine(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 61 /* = */) return text.charCodeAt(1) === 62 && (text.length === 2 || text.charCodeAt(2) === 32);
  return c === 32 && text.charCodeAt(1) === 61 && text.charCodeAt(2) === 62 && (text.length === 3 || text.charCodeAt(3) === 32);
}
