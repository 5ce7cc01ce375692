/**
 * The sandwich of a function (pprof's and speedscope's): who calls it, as an inverted tree from
 * the function out to the stack roots, and what it calls, as a tree from the function down,
 * each merged over every place the function occurs. A stack that holds the function several
 * times (recursion) counts once, at its outermost occurrence, so both trees weigh exactly the
 * function's total.
 */
import { WeightedTrie } from './weighted-trie';

export interface Sandwich {
  /** Root `all` → the function → its caller → the caller's caller … (one column). */
  readonly callers: WeightedTrie;
  /** Root `all` → the function → its callees … (one column). */
  readonly callees: WeightedTrie;
}

/** The sandwich over one column, or over several summed (the merged cluster). */
export function sandwich(trie: WeightedTrie, columns: number | readonly number[], fn: string): Sandwich {
  const callers = new WeightedTrie();
  const callees = new WeightedTrie();
  callers.beginColumn();
  callees.beginColumn();
  const path: number[] = [];
  for (const column of typeof columns === 'number' ? [columns] : columns) {
    const c = trie.columns[column];
    for (let i = 0; c && i < c.node.length; i++) {
      const leaf = c.node[i] as number;
      const weight = c.self[i] as number;
      if (leaf === 0 || !(weight > 0)) continue;
      // The stack root first; the outermost frame named `fn` on it.
      path.length = 0;
      for (let n = leaf; n > 0; n = trie.parent(n)) path.push(n);
      path.reverse();
      const at = path.findIndex((n) => trie.name(n) === fn);
      if (at < 0) continue;
      const count = c.selfCount[i] as number;
      let up = 0;
      for (let j = at; j >= 0; j--) up = callers.child(up, trie.name(path[j] as number), trie.kindCode(path[j] as number), trie.module(path[j] as number));
      callers.addSelf(up, weight, count);
      let down = 0;
      for (let j = at; j < path.length; j++) down = callees.child(down, trie.name(path[j] as number), trie.kindCode(path[j] as number), trie.module(path[j] as number));
      callees.addSelf(down, weight, count);
    }
  }
  callers.endColumn();
  callees.endColumn();
  return { callers, callees };
}
