import { forEachSample, type SampleFilter } from './select';
import { FrameKindCode, type Profile } from './types';
import { NodeKind, WeightedTrie } from './weighted-trie';

/** The options of stackcollapse-perf.pl that shape names (`--all` = kernel + jit). */
export interface NamingOptions {
  readonly pid?: boolean;
  readonly tid?: boolean;
  readonly kernel?: boolean;
  readonly jit?: boolean;
  readonly addrs?: boolean;
}

export type CollapseOptions = NamingOptions & SampleFilter;

const GO_METHOD = /\.\(.*\)\./;
const ARGS = /\((?!anonymous namespace\)).*/;
const QUOTES = /["']/g;
const PERL_KERNEL_MODULE = /(^\[|vmlinux$)/;
const PERL_JIT_MODULE = /\/tmp\/perf-\d+\.map/;

/**
 * Process name of a thread as stackcollapse-perf.pl prints it (`comm`, `comm-PID`, `comm-PID/TID`).
 * Perl swaps in `?` for the PID when the TID it read is false: when perf printed only one number
 * (pid -1 here) and when it printed `0/0` (the idle task), which becomes `swapper-?/0`.
 */
export function processName(profile: Profile, thread: number, opts: NamingOptions): string {
  const comm = profile.strings[profile.threads.comm[thread] as number] as string;
  const pidNum = profile.threads.pid[thread] as number;
  const tidNum = profile.threads.tid[thread] as number;
  const perlSwap = tidNum === 0 && pidNum >= 0;
  const pid = pidNum < 0 || perlSwap ? '?' : String(pidNum);
  const tid = perlSwap ? pidNum : tidNum;
  let name = comm;
  if (opts.tid) name = `${comm}-${pid}/${tid}`;
  else if (opts.pid) name = `${comm}-${pid}`;
  return name.replaceAll(' ', '_');
}

/** Formats whose frame names are printed as they are (perf's naming rules are for perf's symbols). */
const FINAL_NAMES: ReadonlySet<string> = new Set(['folded', 'pprof', 'speedscope']);

/**
 * The names one frame contributes to a folded stack, as stackcollapse-perf.pl derives them:
 * `a->b` inline chains split, `[unknown]` replaced by the module's file name, arguments and
 * quotes tidied away, Java `L` prefixes dropped, `_[k]`/`_[j]`/`_[i]` annotations added.
 */
export function frameNames(profile: Profile, frame: number, isJava: boolean, opts: NamingOptions): string[] {
  const { strings, frames } = profile;
  const raw = strings[frames.symbol[frame] as number] as string;
  const mod = strings[frames.module[frame] as number] as string;
  if (FINAL_NAMES.has(profile.meta.format)) {
    // Already collapsed by another tool, or another profiler's function names: names are
    // final; only the annotations apply.
    const kind = frames.kind[frame] as number;
    return [raw + (opts.kernel && kind === FrameKindCode.kernel ? '_[k]' : opts.jit && kind === FrameKindCode.jit ? '_[j]' : '')];
  }
  const parts = raw.split('->');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    let func = parts[i] as string;
    if (func === '[unknown]') {
      func = mod !== '[unknown]' ? mod.replace(/^.*\//, '') : 'unknown';
      const addr = strings[frames.address[frame] as number] as string;
      func = opts.addrs ? `[${func} <${addr}>]` : `[${func}]`;
    }
    func = func.replaceAll(';', ':');
    if (!GO_METHOD.test(func)) func = func.replace(ARGS, '');
    func = func.replace(QUOTES, '');
    if (isJava && func.includes('/')) func = func.replace(/^L/, '');
    if (i > 0) {
      if (!func.includes('_[i]')) func += '_[i]';
    } else if (opts.kernel && PERL_KERNEL_MODULE.test(mod) && !mod.includes('unknown')) {
      func += '_[k]';
    } else if (opts.jit && PERL_JIT_MODULE.test(mod)) {
      if (!func.includes('_[j]')) func += '_[j]';
    }
    out.push(func);
  }
  return out;
}

/** A frame's module by its file name (`libc.so.6`, `[kernel.kallsyms]`); '' when perf did not know it. */
export function moduleName(profile: Profile, frame: number): string {
  const mod = profile.strings[profile.frames.module[frame] as number] as string;
  if (mod === '' || mod === '[unknown]') return '';
  const slash = mod.lastIndexOf('/');
  return slash < 0 ? mod : mod.slice(slash + 1);
}

const KIND_OF_FRAME: Record<number, number> = {
  [FrameKindCode.user]: NodeKind.user,
  [FrameKindCode.kernel]: NodeKind.kernel,
  [FrameKindCode.jit]: NodeKind.jit,
};

/**
 * Maps a profile's (thread, stack) pairs to nodes of a trie, creating them on first use: the
 * root's children are process names (as stackcollapse-perf.pl names them under `opts`), below
 * them the frames root first. Every prefix is memoised, so a stack costs its new frames only.
 */
export class StackMapper {
  private readonly S: number;
  private readonly pnameOfThread: Int32Array;
  private readonly pnames: string[] = [];
  private readonly pnameIds = new Map<string, number>();
  private readonly memo = new Map<number, number>();
  private readonly namesMemo = new Map<number, string[]>();
  private readonly pending: number[] = [];

  constructor(
    private readonly trie: WeightedTrie,
    private readonly profile: Profile,
    private readonly opts: NamingOptions,
  ) {
    this.S = profile.stacks.length + 1;
    this.pnameOfThread = new Int32Array(profile.threads.length).fill(-1);
  }

  /** The process-name index of a thread (threads of one name share it). */
  processOf(thread: number): number {
    let p = this.pnameOfThread[thread] as number;
    if (p < 0) {
      const name = processName(this.profile, thread, this.opts);
      p = this.pnameIds.get(name) ?? -1;
      if (p < 0) {
        p = this.pnames.length;
        this.pnames.push(name);
        this.pnameIds.set(name, p);
      }
      this.pnameOfThread[thread] = p;
    }
    return p;
  }

  /** A key of (process, stack), unique per pair. */
  key(process: number, stack: number): number {
    return process * this.S + stack + 1;
  }

  /** The trie node of a key from `key()`. */
  nodeOfKey(key: number): number {
    const { S, memo, pending, profile, trie } = this;
    const p = Math.floor(key / S);
    let s = (key % S) - 1;
    let node: number | undefined;
    pending.length = 0;
    while ((node = memo.get(p * S + s + 1)) === undefined) {
      if (s < 0) {
        node = trie.child(0, this.pnames[p] as string, NodeKind.process);
        memo.set(p * S, node);
        break;
      }
      pending.push(s);
      s = profile.stacks.parent[s] as number;
    }
    const isJava = (this.pnames[p] as string).startsWith('java');
    for (let k = pending.length - 1; k >= 0; k--) {
      const st = pending[k] as number;
      const frame = profile.stacks.frame[st] as number;
      const nk = frame * 2 + (isJava ? 1 : 0);
      let names = this.namesMemo.get(nk);
      if (!names) {
        names = frameNames(profile, frame, isJava, this.opts);
        this.namesMemo.set(nk, names);
      }
      const kind = KIND_OF_FRAME[profile.frames.kind[frame] as number] ?? NodeKind.user;
      const mod = moduleName(profile, frame);
      for (let j = 0; j < names.length; j++) node = trie.child(node, names[j] as string, j > 0 ? NodeKind.inlined : kind, mod);
      memo.set(p * S + st + 1, node);
    }
    return node;
  }

  /** The trie node of one sample's stack. */
  nodeOfSample(i: number): number {
    const { samples } = this.profile;
    return this.nodeOfKey(this.key(this.processOf(samples.thread[i] as number), samples.stack[i] as number));
  }
}

/**
 * Folds the selected samples of a profile into a new column of `trie`: the root's children are
 * process names, below them the frames root first. Returns the column's index.
 */
export function collapseInto(trie: WeightedTrie, profile: Profile, opts: CollapseOptions): number {
  const { samples } = profile;
  const mapper = new StackMapper(trie, profile, opts);
  // 1. Sum weights per (process name, stack); 2. map each to a trie node.
  const weights = new Map<number, number>();
  const counts = new Map<number, number>();
  forEachSample(profile, opts, (i) => {
    const key = mapper.key(mapper.processOf(samples.thread[i] as number), samples.stack[i] as number);
    weights.set(key, (weights.get(key) ?? 0) + (samples.weight[i] as number));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  trie.beginColumn();
  for (const [key, weight] of weights) trie.addSelf(mapper.nodeOfKey(key), weight, counts.get(key) as number);
  return trie.endColumn();
}

/** A trie of one column holding the profile's selected samples. */
export function collapse(profile: Profile, opts: CollapseOptions): WeightedTrie {
  const trie = new WeightedTrie();
  collapseInto(trie, profile, opts);
  return trie;
}

/** Folded-stack lines (`a;b;c count`) of one column, sorted like stackcollapse-perf.pl's output. */
export function foldedLines(trie: WeightedTrie, column = 0): string[] {
  const c = trie.columns[column];
  if (!c) return [];
  const lines: string[] = [];
  for (let i = 0; i < c.node.length; i++) {
    const self = c.self[i] as number;
    const node = c.node[i] as number;
    if (node !== 0 && self > 0) lines.push(`${trie.path(node).join(';')} ${formatCount(self)}`);
  }
  return lines.sort(compareBytes);
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

/** Perl's `cmp` on byte strings; for UTF-16 JS strings this orders like UTF-8 except for astral planes. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
