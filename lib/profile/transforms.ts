import { compileFramePattern, type SearchMatcher } from '../util/frame-search';
import type { Transform } from '../util/transforms';
import { NodeKind, WeightedTrie } from './weighted-trie';

/**
 * Transforms applied to a flame trie (their syntax and meaning: lib/util/transforms.ts). Each
 * rewrites a trie into a new one with the same columns, so every view of the trie (one host,
 * differential, merged, ranking, functions, sandwich, exports) sees the same stacks.
 */

/** The trie after each transform in turn (the input itself when there are none). */
export function applyTransforms(trie: WeightedTrie, list: readonly Transform[]): WeightedTrie {
  let t = trie;
  for (const tf of list) t = applyTransform(t, tf);
  return t;
}

export function applyTransform(src: WeightedTrie, tf: Transform): WeightedTrie {
  if (tf.op === 'hide') return hideSmall(src, tf.pct / 100);
  const dst = new WeightedTrie();
  const n = src.size;
  /** Node of `dst` each node of `src` maps to; -1: its weight is removed. */
  const mapped = new Int32Array(n).fill(-1);
  mapped[0] = 0;
  const copy = (node: number, parent: number, name = src.name(node)) => dst.child(parent, name, src.kindCode(node), src.module(node));
  const matches = 'arg' in tf && tf.arg !== undefined ? nameMatcher(src, compileFramePattern(tf.arg)) : null;
  // Parents come before their children, so one forward pass sees each parent mapped.
  switch (tf.op) {
    case 'drop':
      for (let i = 1; i < n; i++) {
        const mp = mapped[src.parent(i)] as number;
        if (mp >= 0) mapped[i] = matches!(i) ? mp : copy(i, mp);
      }
      break;
    case 'excl':
      for (let i = 1; i < n; i++) {
        const mp = mapped[src.parent(i)] as number;
        if (mp >= 0 && !matches!(i)) mapped[i] = copy(i, mp);
      }
      break;
    case 'focus': {
      for (let i = 1; i < n; i++) {
        const p = src.parent(i);
        const mp = p === 0 ? -1 : (mapped[p] as number);
        if (mp >= 0) mapped[i] = copy(i, mp);
        else if (matches!(i)) mapped[i] = copy(i, 0);
      }
      break;
    }
    case 'rec': {
      if (!matches) {
        for (let i = 1; i < n; i++) {
          const p = src.parent(i);
          const mp = mapped[p] as number;
          if (mp < 0) continue;
          mapped[i] = p > 0 && src.nameId(p) === src.nameId(i) ? mp : copy(i, mp);
        }
        break;
      }
      /** The mapped node of the outermost matching frame on each node's path, or -1. */
      const outer = new Int32Array(n).fill(-1);
      for (let i = 1; i < n; i++) {
        const p = src.parent(i);
        const mp = mapped[p] as number;
        if (mp < 0) continue;
        if (matches(i) && (outer[p] as number) >= 0) {
          mapped[i] = outer[p] as number;
          outer[i] = outer[p] as number;
        } else {
          mapped[i] = copy(i, mp);
          outer[i] = matches(i) ? (mapped[i] as number) : (outer[p] as number);
        }
      }
      break;
    }
    case 'mod': {
      const kernel = tf.arg === 'kernel';
      const pattern = compileFramePattern(tf.arg);
      const moduleMatch = new Int8Array(src.modules.size).fill(-1);
      const inModule = (i: number): boolean => {
        if (kernel) return src.kindCode(i) === NodeKind.kernel || (src.kindCode(i) === NodeKind.inlined && src.module(i).startsWith('[kernel'));
        const m = src.moduleId(i);
        if (m === 0) return false;
        if (moduleMatch[m] === -1) moduleMatch[m] = pattern.test(src.modules.get(m)) ? 1 : 0;
        return moduleMatch[m] === 1;
      };
      const runModule = (i: number) => (kernel ? 'kernel' : src.module(i));
      for (let i = 1; i < n; i++) {
        const p = src.parent(i);
        const mp = mapped[p] as number;
        if (mp < 0) continue;
        if (!inModule(i)) mapped[i] = copy(i, mp);
        else if (p > 0 && inModule(p) && runModule(p) === runModule(i)) mapped[i] = mp;
        else mapped[i] = copy(i, mp, `[${runModule(i)}]`);
      }
      break;
    }
    case 'unk': {
      const unknown = nameMatcher(src, { test: isUnsymbolised });
      for (let i = 1; i < n; i++) {
        const p = src.parent(i);
        const mp = mapped[p] as number;
        if (mp < 0) continue;
        mapped[i] = p > 0 && src.kindCode(i) !== NodeKind.process && unknown(i) && unknown(p) ? mp : copy(i, mp);
      }
      break;
    }
  }
  for (let c = 0; c < src.columns.length; c++) moveColumn(src, c, dst, (node) => mapped[node] as number);
  return dst;
}

/** perf's names for frames it could not symbolise: `[unknown]`, or `[module]` after stackcollapse (`[libc.so.6]`). */
function isUnsymbolised(name: string): boolean {
  return name.length > 2 && name.charCodeAt(0) === 91 /* [ */ && name.charCodeAt(name.length - 1) === 93 /* ] */;
}

/** A pattern's answer per node, tested once per distinct name. */
function nameMatcher(trie: WeightedTrie, pattern: Pick<SearchMatcher, 'test'>): (node: number) => boolean {
  const memo = new Int8Array(trie.names.size).fill(-1);
  return (node) => {
    const id = trie.nameId(node);
    if (memo[id] === -1) memo[id] = pattern.test(trie.names.get(id)) ? 1 : 0;
    return memo[id] === 1;
  };
}

/** Adds column `c` of `src` to `dst` as a new column, each node's self weight at `to(node)` (dropped where -1). */
function moveColumn(src: WeightedTrie, c: number, dst: WeightedTrie, to: (node: number) => number): void {
  const col = src.columns[c];
  if (!col) throw new Error(`internal: no trie column ${c}`);
  dst.beginColumn();
  for (let i = 0; i < col.node.length; i++) {
    const target = to(col.node[i] as number);
    if (target >= 0) dst.addSelf(target, col.self[i] as number, col.selfCount[i] as number);
  }
  dst.endColumn();
}

/**
 * Hides the frames under `fraction` of each column's total: a hidden frame's self weight goes to
 * its nearest shown ancestor (a frame's total is at least its child's, so the shown frames of a
 * column are those at or above the threshold, and every process). Totals stay as they were.
 */
function hideSmall(src: WeightedTrie, fraction: number): WeightedTrie {
  const dst = new WeightedTrie();
  const copied = new Int32Array(src.size).fill(-1);
  copied[0] = 0;
  const ensure = (node: number): number => {
    const path: number[] = [];
    let k = node;
    while ((copied[k] as number) < 0) {
      path.push(k);
      k = src.parent(k);
    }
    let at = copied[k] as number;
    for (let j = path.length - 1; j >= 0; j--) {
      const x = path[j] as number;
      at = dst.child(at, src.name(x), src.kindCode(x), src.module(x));
      copied[x] = at;
    }
    return at;
  };
  for (let c = 0; c < src.columns.length; c++) {
    const total = src.weights(c).total;
    const threshold = fraction * (total[0] as number);
    // Nearest shown ancestor-or-self of every node, parents first. Processes (the root's
    // children) always show: time at the root itself would have no stack in the folded export.
    const shown = new Int32Array(src.size);
    for (let i = 1; i < src.size; i++) {
      const p = src.parent(i);
      shown[i] = p === 0 || (total[i] as number) >= threshold ? i : (shown[p] as number);
    }
    moveColumn(src, c, dst, (node) => ensure(shown[node] as number));
  }
  return dst;
}
