import type { SourceKind, StackQuery } from '../api/schemas';
import { defaultKind, sourceOfKind } from '../api/sources';
import { collapseInto, type CollapseOptions } from '../profile/collapse';
import { applyTransforms } from '../profile/transforms';
import { WeightedTrie } from '../profile/weighted-trie';
import { formatTransforms, type Transform } from '../util/transforms';
import { caches, type CachedTrie } from './caches';
import { collapseOptions, getCapture, loadSource, loadSources, sourcesOfKind, type LoadedSource } from './profiles';

/** Tries being built, so concurrent requests for the same one share the work. */
const building = new Map<string, Promise<CachedTrie>>();

/**
 * A trie after the query's transforms, cached under the untransformed one's key plus the
 * transforms, so that stacking one more transform reuses the trie it starts from.
 */
async function transformedTrie(key: string, tf: readonly Transform[] | undefined, build: () => Promise<CachedTrie>): Promise<CachedTrie> {
  const base = await cachedTrie(key, build);
  if (!tf || tf.length === 0) return base;
  return cachedTrie(`${key}|tf=${formatTransforms(tf)}`, async () => ({ trie: applyTransforms(base.trie, tf), nodes: base.nodes }));
}

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

export interface CaptureTrie extends CachedTrie {
  readonly kind: SourceKind;
  /** Hosts without a source of that kind: not in the trie, and never scored against another kind. */
  readonly missing: readonly string[];
}

/**
 * The capture's weighted trie for one kind of source under a query's naming options and
 * sample filter: one column per host that has a source of that kind, in host order, built once
 * and cached by the sources' versions. A host's flame graph and folded stacks, the differential
 * and merged graphs and the ranking all read it, so they compare like with like.
 */
export async function captureTrie(id: string, q: Partial<StackQuery> & { kind?: SourceKind }): Promise<CaptureTrie> {
  const capture = await getCapture(id);
  const kind = q.kind ?? defaultKind(capture.nodes);
  const picks = sourcesOfKind(capture, kind);
  const present = picks.filter((p): p is { node: string; source: NonNullable<(typeof p)['source']> } => p.source !== null);
  const missing = picks.filter((p) => p.source === null).map((p) => p.node);
  const opts: CollapseOptions = { ...collapseOptions(q), cells: undefined };
  const key = `capture:${id}:${kind}:${present.map((p) => `${p.node}/${p.source.name}@${p.source.version}`).join(',')}?${JSON.stringify(opts)}`;
  const entry = await transformedTrie(key, q.tf, async () => {
    const loaded = await loadSources(id, present);
    // Synchronous from here: no other request sees a half-built trie.
    const trie = new WeightedTrie();
    for (const l of loaded) collapseInto(trie, l.profile, opts);
    return { trie, nodes: present.map((p) => p.node) };
  });
  return { ...entry, kind, missing };
}

/**
 * One source's column: the capture trie's when the source is the one comparisons read for its
 * host, else (another source, a time range or a heatmap selection) a trie of its own.
 */
export async function sourceColumn(id: string, node: string, source: string | undefined, q: Partial<StackQuery>): Promise<{ trie: WeightedTrie; column: number; loaded: LoadedSource }> {
  const loaded = await loadSource(id, node, source, 'stacks');
  if (q.fromNs === undefined && q.toNs === undefined && q.sel === undefined) {
    const shared = await captureTrie(id, { ...q, kind: loaded.summary.kind });
    const column = shared.nodes.indexOf(node);
    const capture = await getCapture(id);
    const usual = sourceOfKind(capture.nodes.find((n) => n.name === node)?.sources ?? [], loaded.summary.kind);
    if (column >= 0 && usual?.name === loaded.summary.name && usual.version === loaded.version) return { trie: shared.trie, column, loaded };
  }
  const opts = collapseOptions(q);
  const { trie } = await transformedTrie(`source:${id}/${node}/${loaded.summary.name}@${loaded.version}?${JSON.stringify(opts)}`, q.tf, async () => {
    const own = new WeightedTrie();
    collapseInto(own, loaded.profile, opts);
    return { trie: own, nodes: [node] };
  });
  return { trie, column: 0, loaded };
}
