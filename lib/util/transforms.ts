import { compileFramePattern } from './frame-search';

/**
 * Transforms of a flame graph, the ones pprof, speedscope and the Firefox Profiler offer to cut a
 * graph down to a question, as the server applies them (lib/profile/transforms.ts) and as links
 * and the API carry them: one `op:arg` per line, applied in order. Patterns are an exact frame
 * name or `/regex/` (RE2, linear time).
 *
 *   focus:NAME  every outermost occurrence of the function becomes a root; stacks without it go
 *   drop:PAT    frames matching vanish; their time goes to their parent, their callees move up
 *   excl:PAT    stacks through a matching frame are removed with all their time
 *   rec         direct recursion collapsed (f;f;f → f)
 *   rec:NAME    recursion of one function collapsed, also through other frames (f;g;f;h → f;h)
 *   mod:PAT     runs of frames of a matching module become one frame `[module]`; `mod:kernel`
 *               folds runs of kernel frames into `[kernel]`
 *   unk         runs of unsymbolised frames (`[unknown]`, `[libfoo.so]`) become their first frame
 *   hide:PCT    frames under PCT % of their column's total are hidden; their time stays in the
 *               parent's self (totals are kept; processes always show)
 */
export type Transform =
  | { readonly op: 'focus'; readonly arg: string }
  | { readonly op: 'drop'; readonly arg: string }
  | { readonly op: 'excl'; readonly arg: string }
  | { readonly op: 'rec'; readonly arg?: string }
  | { readonly op: 'mod'; readonly arg: string }
  | { readonly op: 'unk' }
  | { readonly op: 'hide'; readonly pct: number };

export const TRANSFORM_OPS = ['focus', 'drop', 'excl', 'rec', 'mod', 'unk', 'hide'] as const;
export type TransformOp = (typeof TRANSFORM_OPS)[number];
export const MAX_TRANSFORMS = 16;

/** Parses one `op:arg` line; throws an Error saying what is wrong. */
export function parseTransform(line: string): Transform {
  const colon = line.indexOf(':');
  const op = colon < 0 ? line : line.slice(0, colon);
  const arg = colon < 0 ? undefined : line.slice(colon + 1);
  const needPattern = (): string => {
    if (arg === undefined || arg.trim() === '') throw new Error(`transform ${op} needs a frame name or /regex/`);
    const error = compileFramePattern(arg).error;
    if (error) throw new Error(`transform ${op}: ${error}`);
    return arg.trim();
  };
  switch (op) {
    case 'focus':
    case 'drop':
    case 'excl':
    case 'mod':
      return { op, arg: needPattern() };
    case 'rec':
      return arg === undefined || arg.trim() === '' ? { op } : { op, arg: needPattern() };
    case 'unk':
      if (arg !== undefined && arg !== '') throw new Error('transform unk takes no argument');
      return { op };
    case 'hide': {
      const pct = Number(arg);
      if (arg === undefined || !/^\d+(\.\d+)?$/.test(arg.trim()) || !(pct > 0 && pct <= 50)) throw new Error('transform hide takes a percentage above 0 and at most 50 (hide:0.5)');
      return { op, pct };
    }
    default:
      throw new Error(`unknown transform "${op.slice(0, 40)}" (one of ${TRANSFORM_OPS.join(', ')})`);
  }
}

export function formatTransform(t: Transform): string {
  if (t.op === 'hide') return `hide:${t.pct}`;
  if (t.op === 'unk') return 'unk';
  if (t.op === 'rec' && t.arg === undefined) return 'rec';
  return `${t.op}:${t.arg}`;
}

/** Transforms in order, one per line (names never hold a newline). */
export function parseTransforms(text: string): Transform[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > MAX_TRANSFORMS) throw new Error(`at most ${MAX_TRANSFORMS} transforms`);
  return lines.map(parseTransform);
}

export function formatTransforms(list: readonly Transform[]): string {
  return list.map(formatTransform).join('\n');
}

