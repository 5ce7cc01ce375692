import type { StackQuery } from '../api/schemas';
import type { CollapseOptions } from '../profile/collapse';
import type { Profile } from '../profile/types';
import { NotFoundError, type CaptureRecord } from '../store';
import { caches } from './caches';
import { getStore } from './store';

export interface Loaded {
  profile: Profile;
  version: string;
}

/** A capture's record; NotFoundError when there is none. */
export async function getCapture(id: string): Promise<CaptureRecord> {
  const capture = await (await getStore()).getCapture(id);
  if (!capture) throw new NotFoundError('capture');
  return capture;
}

/** A node's profile, from the cache or the store; NotFoundError when the capture or node is missing. */
export async function loadProfile(captureId: string, node: string): Promise<Loaded> {
  const capture = await getCapture(captureId);
  const summary = capture.nodes.find((n) => n.name === node);
  if (!summary) throw new NotFoundError(`node ${node}`);
  const { profiles } = caches();
  const hit = profiles.get(`${captureId}/${node}@${summary.version}`);
  if (hit) return hit;
  const loaded = await (await getStore()).getProfile(captureId, node);
  if (!loaded) throw new NotFoundError(`node ${node}`);
  profiles.set(`${captureId}/${node}@${loaded.version}`, loaded);
  return loaded;
}

/** stackcollapse-perf.pl's options and the sample filter of a query. */
export function collapseOptions(q: Partial<StackQuery>): CollapseOptions {
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
