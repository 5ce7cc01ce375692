import type { z } from 'zod';
import type { CompareQuery } from '../api/schemas';
import { MultiTree } from '../profile/compare';
import { NotFoundError } from '../store';
import { Lru } from './lru';
import { loadProfile, nameTree } from './profiles';
import { getStore } from './store';

const KEY = Symbol.for('tracefleet.multi');
function cache(): Lru<string, MultiTree> {
  const g = globalThis as { [KEY]?: Lru<string, MultiTree> };
  g[KEY] ??= new Lru(8);
  return g[KEY];
}

/** Every node of a capture collapsed with the same options and merged by frame path (cached per versions and options). */
export async function captureMultiTree(id: string, q: z.infer<typeof CompareQuery>): Promise<{ nodes: string[]; multi: MultiTree }> {
  const capture = await (await getStore()).getCapture(id);
  if (!capture) throw new NotFoundError('capture');
  const nodes = capture.nodes.map((n) => n.name);
  const key = `${id}:${capture.nodes.map((n) => n.version).join(',')}?${JSON.stringify(q)}`;
  let multi = cache().get(key);
  if (!multi) {
    const trees = [];
    for (const n of nodes) trees.push(nameTree(await loadProfile(id, n), `${id}/${n}`, { ...q, sel: undefined }));
    multi = new MultiTree(trees);
    cache().set(key, multi, 1);
  }
  return { nodes, multi };
}
