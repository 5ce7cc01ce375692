import { collapse, type CollapseOptions } from '../profile/collapse';
import type { NameTree } from '../profile/name-tree';
import type { Profile } from '../profile/types';
import type { StackQuery } from '../api/schemas';
import { NotFoundError } from '../store';
import { serverEnv } from './env';
import { Lru } from './lru';
import { getStore } from './store';

interface Loaded {
  profile: Profile;
  version: string;
}

const KEY = Symbol.for('tracefleet.caches');
function caches() {
  const g = globalThis as { [KEY]?: { profiles: Lru<string, Loaded>; trees: Lru<string, NameTree> } };
  const mb = serverEnv().TRACEFLEET_CACHE_MB * 2 ** 20;
  g[KEY] ??= { profiles: new Lru(mb * 0.75), trees: new Lru(mb * 0.25) };
  return g[KEY];
}

function profileBytes(p: Profile): number {
  const s = p.samples;
  let n = s.timeNs.byteLength + s.stack.byteLength + s.thread.byteLength + s.cpu.byteLength + s.event.byteLength + s.period.byteLength + s.weight.byteLength + s.flags.byteLength;
  n += p.stacks.parent.byteLength * 2 + p.frames.symbol.byteLength * 4;
  for (const str of p.strings) n += str.length * 2 + 32;
  return n;
}

/** A node's profile, from the cache or the store; NotFoundError when the capture or node is missing. */
export async function loadProfile(captureId: string, node: string): Promise<Loaded> {
  const store = await getStore();
  const capture = await store.getCapture(captureId);
  if (!capture) throw new NotFoundError('capture');
  const summary = capture.nodes.find((n) => n.name === node);
  if (!summary) throw new NotFoundError(`node ${node}`);
  const key = `${captureId}/${node}@${summary.version}`;
  const c = caches();
  const hit = c.profiles.get(key);
  if (hit) return hit;
  const loaded = await store.getProfile(captureId, node);
  if (!loaded) throw new NotFoundError(`node ${node}`);
  c.profiles.set(`${captureId}/${node}@${loaded.version}`, loaded, profileBytes(loaded.profile));
  return loaded;
}

export function collapseOptions(q: StackQuery): CollapseOptions {
  return {
    pid: q.pid,
    tid: q.tid,
    kernel: q.kernel || q.all,
    jit: q.jit || q.all,
    addrs: q.addrs,
    event: q.event,
    fromNs: q.fromNs,
    toNs: q.toNs,
    cells: q.sel,
  };
}

/** The name tree of a node under the query's options (cached per profile version and options). */
export function nameTree(loaded: Loaded, key: string, q: StackQuery): NameTree {
  const opts = collapseOptions(q);
  const cacheKey = `${key}@${loaded.version}?${JSON.stringify(opts)}`;
  const c = caches();
  const hit = c.trees.get(cacheKey);
  if (hit) return hit;
  const tree = collapse(loaded.profile, opts);
  c.trees.set(cacheKey, tree, tree.size * 64);
  return tree;
}

/** What a tree's values count: periods of a clock event are ns of CPU time. */
export function weightUnit(loaded: Loaded, q: StackQuery, tree: NameTree): 'ns' | 'events' | 'samples' {
  if (tree.total(0) === tree.totalCount(0)) return 'samples';
  const { profile } = loaded;
  const name = q.event ?? profile.eventTypes[profile.defaultEvent]?.name ?? '';
  // Clock events' periods, strace's syscall durations and function_graph self times are ns.
  if (/(^|:)(cpu-clock|task-clock)/.test(name)) return 'ns';
  if ((profile.meta.format === 'strace' && name === 'syscall') || name === 'function_graph') return 'ns';
  return 'events';
}
