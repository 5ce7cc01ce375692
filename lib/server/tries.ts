import type { StackQuery } from '../api/schemas';
import { collapseInto, type CollapseOptions } from '../profile/collapse';
import { WeightedTrie } from '../profile/weighted-trie';
import { NotFoundError } from '../store';
import { caches, type CachedTrie } from './caches';
import { collapseOptions, getCapture, loadProfile, type Loaded } from './profiles';

/** Tries being built, so concurrent requests for the same one share the work. */
const building = new Map<string, Promise<CachedTrie>>();

async function cachedTrie(key: string, build: () => Promise<CachedTrie>): Promise<CachedTrie> {
  const { tries } = caches();
  const hit = tries.get(key);
  if (hit) return hit;
  let pending = building.get(key);
  if (!pending) {
    pending = build().finally(() => building.delete(key));
    building.set(key, pending);
    pending.then((entry) => tries.set(key, entry)).catch(() => undefined);
  }
  return pending;
}

/**
 * The capture's weighted trie under a query's naming options and sample filter: one column
 * per node, in the capture's node order, built once and cached by the nodes' versions. Every
 * view of the capture (a node's flame graph and folded stacks, the differential and merged
 * graphs, the ranking) reads it.
 */
export async function captureTrie(id: string, q: Partial<StackQuery>): Promise<CachedTrie> {
  const capture = await getCapture(id);
  const opts: CollapseOptions = { ...collapseOptions(q), cells: undefined };
  const key = `capture:${id}:${capture.nodes.map((n) => `${n.name}@${n.version}`).join(',')}?${JSON.stringify(opts)}`;
  return cachedTrie(key, async () => {
    const loaded: Loaded[] = [];
    for (const n of capture.nodes) loaded.push(await loadProfile(id, n.name));
    // Synchronous from here: no other request sees a half-built trie.
    const trie = new WeightedTrie();
    for (const l of loaded) collapseInto(trie, l.profile, opts);
    return { trie, nodes: capture.nodes.map((n) => n.name) };
  });
}

/** One node's column: the capture trie's, or, for a time range or heatmap selection of the node, a trie of its own. */
export async function nodeColumn(id: string, node: string, q: Partial<StackQuery>): Promise<{ trie: WeightedTrie; column: number; loaded: Loaded }> {
  const loaded = await loadProfile(id, node);
  if (q.fromNs === undefined && q.toNs === undefined && q.sel === undefined) {
    const { trie, nodes } = await captureTrie(id, q);
    const column = nodes.indexOf(node);
    if (column < 0) throw new NotFoundError(`node ${node}`);
    return { trie, column, loaded };
  }
  const opts = collapseOptions(q);
  const { trie } = await cachedTrie(`node:${id}/${node}@${loaded.version}?${JSON.stringify(opts)}`, async () => {
    const own = new WeightedTrie();
    collapseInto(own, loaded.profile, opts);
    return { trie: own, nodes: [node] };
  });
  return { trie, column: 0, loaded };
}
