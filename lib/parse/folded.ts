import type { ProfileBuilder } from '../profile/builder';
import { detach } from '../util/intern';
import { BoundedCache } from './cache';
import { lineSink, type CaptureFormat, type LineSink, type ParseContext, type Sniff } from './format';

/** A folded line: the stack, then its count. */
export const FOLDED = /^(.*\S)\s+(\d+(?:\.\d+)?)$/;
/** Deeper stacks keep their root side (the first frames of the line); the rest is counted and dropped. */
export const MAX_FOLDED_DEPTH = 1024;

/**
 * Folded stacks (`stackcollapse-*.pl` output, also what our folded export prints):
 * `root;...;leaf count` per line. The first field becomes the thread (process) name when it
 * does not look like a function, so perf-derived folded files round-trip.
 */
class FoldedParser implements LineSink {
  /** Frame ids by the name as printed. */
  private readonly frameIds = new BoundedCache<string, number>({ maxEntries: 1 << 20 });
  private readonly frames: number[] = [];

  constructor(private readonly builder: ProfileBuilder) {}

  line(text: string, lineNo: number): void {
    if (text.length === 0 || text.startsWith('#')) return;
    const m = FOLDED.exec(text);
    if (!m) {
      this.builder.warn(lineNo, 'not a folded-stack line (expected "frame;frame;... count")');
      return;
    }
    const weight = Number(m[2]);
    const stackText = m[1] as string;
    // At most the process name and MAX_FOLDED_DEPTH frames are split off: a hostile line of a
    // million frames costs one scan, not a million strings.
    const names: string[] = [];
    let from = 0;
    let rest = -1;
    for (;;) {
      const semi = stackText.indexOf(';', from);
      names.push(stackText.slice(from, semi < 0 ? stackText.length : semi));
      if (semi < 0) break;
      from = semi + 1;
      // The process name and MAX_FOLDED_DEPTH frames are taken; more remain.
      if (names.length > MAX_FOLDED_DEPTH) {
        rest = from;
        break;
      }
    }
    if (rest >= 0) {
      let cut = 1;
      for (let i = stackText.indexOf(';', rest); i >= 0; i = stackText.indexOf(';', i + 1)) cut++;
      this.builder.warn(lineNo, `stack of ${MAX_FOLDED_DEPTH + cut} frames cut to ${MAX_FOLDED_DEPTH}: the ${cut} innermost were dropped`);
    }
    const comm = names.shift() as string;
    this.frames.length = 0;
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i] as string;
      let id = this.frameIds.get(name);
      if (id === undefined) {
        const { symbol, module } = splitAnnotation(name);
        id = this.builder.frame(symbol, module, '');
        this.frameIds.set(detach(name), id);
      }
      this.frames.push(id);
    }
    const stack = this.builder.stackFromLeafFirst(this.frames, this.frames.length);
    const thread = this.builder.thread(comm, -1, 0);
    this.builder.sample(NaN, stack, thread, -1, this.builder.eventType('samples', 'events'), 0, weight, 0);
  }

  end(lineCount: number): void {
    this.builder.setLineCount(lineCount);
    // Folded stacks carry no time: every sample is at NaN.
    this.builder.setMeta({ untimed: true });
  }
}

/** `func_[k]` and `func_[j]` annotations become a kernel / JIT module so colours survive a round trip. */
function splitAnnotation(name: string): { symbol: string; module: string } {
  if (name.endsWith('_[k]')) return { symbol: name.slice(0, -4), module: '[kernel.kallsyms]' };
  if (name.endsWith('_[j]')) return { symbol: name.slice(0, -4), module: '//anon' };
  return { symbol: name, module: '' };
}

function sniff(lines: readonly string[]): Sniff {
  let data = 0;
  let folded = 0;
  let semicolons = 0;
  for (const line of lines) {
    if (line.length === 0 || line.startsWith('#')) continue;
    data++;
    if (FOLDED.test(line)) {
      folded++;
      if (line.includes(';')) semicolons++;
    }
    if (data >= 200) break;
  }
  if (data === 0) return 'no';
  if (folded === data && semicolons > 0) return 'yes';
  if (folded >= data * 0.9 && semicolons > 0) return 'maybe';
  return 'no';
}

export const foldedFormat: CaptureFormat = {
  id: 'folded',
  label: 'folded stacks',
  sniff,
  createParser: (builder: ProfileBuilder, _ctx: ParseContext) => lineSink(new FoldedParser(builder)),
};
