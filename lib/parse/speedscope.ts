import { z } from 'zod';
import type { ProfileBuilder } from '../profile/builder';
import { CaptureTooLargeError, ParseError } from './errors';
import { MAX_DOCUMENT_BYTES, type CaptureFormat, type ParseContext, type Sniff, type TextSink } from './format';
import { foldableName, MAX_IMPORTED_DEPTH } from './imported';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';
/** What our own export says it is (lib/profile/export.ts): its root frames are process names. */
const OWN_EXPORTER = 'tracefleet';

const NAME = z.string().max(64 * 1024);
const Index = z.number().int().nonnegative();
const Unit = z.enum(['none', 'nanoseconds', 'microseconds', 'milliseconds', 'seconds', 'bytes']);
const Value = z.number().finite();

const Sampled = z
  .object({
    type: z.literal('sampled'),
    name: NAME,
    unit: Unit,
    startValue: Value,
    endValue: Value,
    /** Stacks, root first, as indices into shared.frames. */
    samples: z.array(z.array(Index)),
    weights: z.array(Value.nonnegative()),
  })
  .refine((p) => p.samples.length === p.weights.length, { message: 'samples and weights differ in length', path: ['weights'] });

const Evented = z.object({
  type: z.literal('evented'),
  name: NAME,
  unit: Unit,
  startValue: Value,
  endValue: Value,
  events: z.array(z.object({ type: z.enum(['O', 'C']), at: Value, frame: Index })),
});

/** speedscope's file format (its JSON schema ships in the speedscope package), as far as it matters here. */
const SpeedscopeFile = z.object({
  $schema: z.literal(SPEEDSCOPE_SCHEMA),
  shared: z.object({ frames: z.array(z.object({ name: NAME, file: z.string().optional() })) }),
  profiles: z.array(z.discriminatedUnion('type', [Sampled, Evented])),
  exporter: z.string().optional(),
});
type SpeedscopeFile = z.infer<typeof SpeedscopeFile>;
type Unit = z.infer<typeof Unit>;

const NS_PER_UNIT: Partial<Record<Unit, number>> = { nanoseconds: 1, microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };
/** Event names by unit: the time a stack was seen for, bytes, or a count. */
const EVENT_OF_UNIT: Record<Unit, string> = { none: 'samples', bytes: 'bytes', nanoseconds: 'time', microseconds: 'time', milliseconds: 'time', seconds: 'time' };

class SpeedscopeImport {
  /** Builder frame ids by index of shared.frames, made on first use. */
  private readonly frameIds: number[] = [];

  constructor(
    private readonly file: SpeedscopeFile,
    private readonly builder: ProfileBuilder,
    private readonly fileName: string,
  ) {}

  private fail(where: string, detail: string): never {
    throw new ParseError(this.fileName, 0, `speedscope ${where}: ${detail}`);
  }

  private check(index: number, where: string): void {
    if (index >= this.file.shared.frames.length) this.fail(where, `frame ${index} is not in shared.frames (${this.file.shared.frames.length} frames)`);
  }

  private frame(index: number): number {
    let id = this.frameIds[index];
    if (id === undefined) {
      id = this.builder.frame(foldableName((this.file.shared.frames[index] as { name: string }).name), '', '');
      this.frameIds[index] = id;
    }
    return id;
  }

  run(): void {
    const own = this.file.exporter === OWN_EXPORTER;
    let untimed = false;
    this.file.profiles.forEach((p, i) => {
      const scale = NS_PER_UNIT[p.unit];
      if (scale === undefined) untimed = true;
      const event = this.builder.eventType(EVENT_OF_UNIT[p.unit], scale === undefined ? 'events' : 'ns');
      const name = foldableName(p.name) || `profile ${i}`;
      if (p.type === 'sampled') this.sampled(p, i, scale, event, own ? null : name);
      else this.evented(p, i, scale, event, own ? null : name);
    });
    if (untimed) this.builder.setMeta({ untimed: true });
  }

  /** The thread of a stack (root first): the profile's, or for our own export its root frame's name (taken off the stack). */
  private thread(profileName: string | null, stack: number[]): number {
    if (profileName !== null) return this.builder.thread(profileName, -1, 0);
    const root = stack.shift();
    return this.builder.thread(root === undefined ? 'speedscope' : foldableName((this.file.shared.frames[root] as { name: string }).name), -1, 0);
  }

  /** A stack of checked frame indices, root first, as a stack node (deeper stacks keep their root side). */
  private stack(frames: readonly number[], where: string): number {
    if (frames.length > MAX_IMPORTED_DEPTH) this.builder.warn(0, `${where}: stack of ${frames.length} frames cut to ${MAX_IMPORTED_DEPTH}`);
    let node = -1;
    for (let k = 0; k < frames.length && k < MAX_IMPORTED_DEPTH; k++) node = this.builder.child(node, this.frame(frames[k] as number));
    return node;
  }

  /**
   * Sampled: one sample per stack with its weight. With a time unit the samples follow one
   * another (speedscope lays them out so): each starts where the one before ended.
   */
  private sampled(p: Extract<SpeedscopeFile['profiles'][number], { type: 'sampled' }>, i: number, scale: number | undefined, event: number, name: string | null): void {
    let t = p.startValue;
    p.samples.forEach((frames, j) => {
      const where = `profiles[${i}].samples[${j}]`;
      for (const f of frames) this.check(f, where);
      const weight = p.weights[j] as number;
      const stack = [...frames];
      const thread = this.thread(name, stack);
      const timeNs = scale === undefined ? NaN : this.builder.relNs('none', 0, t * scale);
      this.builder.sample(timeNs, this.stack(stack, where), thread, -1, event, 0, weight * (scale ?? 1), 0);
      t += weight;
    });
  }

  /**
   * Evented: frames open and close in time order; the time between two events is self time of
   * the stack open then (one sample each, at its start). Frames still open at the end close at
   * endValue (or the last event, when that is later). The open stack's nodes are kept as it
   * grows, so an event costs the same at any depth.
   */
  private evented(p: Extract<SpeedscopeFile['profiles'][number], { type: 'evented' }>, i: number, scale: number | undefined, event: number, name: string | null): void {
    const { builder } = this;
    const open: number[] = [];
    /** nodes[d]: the stack node of open[0..d] (for our own export, without its root frame). */
    const nodes: number[] = [];
    const skip = name === null ? 1 : 0;
    const named = name === null ? -1 : builder.thread(name, -1, 0);
    let cut = false;
    let last = NaN;
    const spend = (until: number) => {
      const depth = open.length;
      if (depth > 0 && until > last) {
        const thread = named >= 0 ? named : this.thread(null, [open[0] as number]);
        const timeNs = scale === undefined ? NaN : builder.relNs('none', 0, last * scale);
        builder.sample(timeNs, nodes[depth - 1] as number, thread, -1, event, 0, (until - last) * (scale ?? 1), 0);
      }
      last = until;
    };
    p.events.forEach((e, j) => {
      const where = `profiles[${i}].events[${j}]`;
      this.check(e.frame, where);
      if (e.at < last) this.fail(where, `at ${e.at} is before the previous event (${last})`);
      spend(e.at);
      if (e.type === 'C') {
        if (open[open.length - 1] !== e.frame) this.fail(where, `closes frame ${e.frame} but ${open.length > 0 ? `frame ${open[open.length - 1]} is` : 'no frame is'} open`);
        open.pop();
        nodes.pop();
        return;
      }
      const d = open.length;
      const parent = d > 0 ? (nodes[d - 1] as number) : -1;
      open.push(e.frame);
      if (d < skip) nodes.push(-1);
      else if (d - skip >= MAX_IMPORTED_DEPTH) {
        nodes.push(parent);
        cut = true;
      } else nodes.push(builder.child(parent, this.frame(e.frame)));
    });
    if (cut) builder.warn(0, `profiles[${i}]: stacks deeper than ${MAX_IMPORTED_DEPTH} frames cut to their ${MAX_IMPORTED_DEPTH} outermost`);
    if (open.length > 0) {
      builder.warn(0, `profiles[${i}]: ${open.length} frames still open at the end, closed at endValue`);
      spend(Math.max(p.endValue, last));
    }
  }
}

/** The whole text, parsed and validated, into the builder. */
function importText(text: string, builder: ProfileBuilder, file: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ParseError(file, 0, `speedscope file is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = SpeedscopeFile.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '') || '(file)'}: ${i.message}`);
    throw new ParseError(file, 0, `not a valid speedscope file: ${issues.join('; ')}`);
  }
  new SpeedscopeImport(parsed.data, builder, file).run();
}

/** A JSON object whose first page names speedscope's schema (its own export and py-spy's put `$schema` first). */
function sniff(lines: readonly string[]): Sniff {
  const first = lines.find((l) => l.trim().length > 0);
  if (!first || !first.trimStart().replace(/^\uFEFF/, '').startsWith('{')) return 'no';
  return lines.some((l) => l.includes(SPEEDSCOPE_SCHEMA)) ? 'yes' : 'no';
}

/** Gathers the whole document (up to its cap), then imports it. */
function createParser(builder: ProfileBuilder, ctx: ParseContext): TextSink {
  const max = ctx.maxDocumentBytes ?? MAX_DOCUMENT_BYTES;
  const parts: string[] = [];
  let length = 0;
  return {
    chunk(text: string): void {
      length += text.length;
      if (length > max) throw new CaptureTooLargeError(ctx.file, max, `speedscope files are read whole, and this one is larger than ${max} bytes (TRACEFLEET_MAX_DOCUMENT_BYTES)`);
      parts.push(text);
    },
    end(): void {
      importText(parts.join(''), builder, ctx.file);
      parts.length = 0;
    },
  };
}

/**
 * speedscope's JSON file format, every profile of it (a profile is a thread, named after it):
 * sampled profiles as weighted samples, evented ones as the self time of each open stack.
 * The file is attacker-controlled: zod checks its shape, every frame index is checked on use.
 */
export const speedscopeFormat: CaptureFormat = {
  id: 'speedscope',
  label: 'speedscope JSON',
  sniff,
  createParser,
};
