import type { SourceKind, SourceSummary, StackQuery } from '../api/schemas';
import { defaultSource, sourceOfKind, type SourceRole } from '../api/sources';
import type { CollapseOptions } from '../profile/collapse';
import { parseCapture } from '../parse';
import { DERIVATION_RULES, type Profile } from '../profile/types';
import { NotFoundError, type CaptureRecord } from '../store';
import { caches } from './caches';
import { modelLimits } from './limits';
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

/**
 * The source of a host a request reads: the one it names, else the host's default for the
 * view (its CPU profile for stacks, strace before tracepoints for syscalls); NotFoundError when
 * the host or the source does not exist.
 */
export function pickSource(capture: CaptureRecord, node: string, source: string | undefined, role: SourceRole): SourceSummary {
  const host = capture.nodes.find((n) => n.name === node);
  if (!host) throw new NotFoundError(`node ${node}`);
  const found = source !== undefined ? host.sources.find((s) => s.name === source) : defaultSource(host.sources, role);
  if (!found) throw new NotFoundError(source !== undefined ? `source ${source} of node ${node}` : `source of node ${node}`);
  return found;
}

/** The source of each host of a kind (the first by name when a host has several), for comparisons. */
export function sourcesOfKind(capture: CaptureRecord, kind: SourceKind): { node: string; source: SourceSummary | null }[] {
  return capture.nodes.map((n) => ({ node: n.name, source: sourceOfKind(n.sources, kind) ?? null }));
}

export interface LoadedSource extends Loaded {
  summary: SourceSummary;
}

/** A source's profile, from the cache or the store; NotFoundError when the capture, host or source is missing. */
export async function loadSource(captureId: string, node: string, source: string | undefined, role: SourceRole): Promise<LoadedSource> {
  const capture = await getCapture(captureId);
  const summary = pickSource(capture, node, source, role);
  return { ...(await loadProfile(captureId, node, summary)), summary };
}

async function loadProfile(captureId: string, node: string, summary: SourceSummary): Promise<Loaded> {
  const { profiles } = caches();
  const hit = profiles.get(`${captureId}/${node}/${summary.name}@${summary.version}`);
  if (hit) return hit;
  let loaded = await (await getStore()).getProfile(captureId, node, summary.name);
  if (!loaded) throw new NotFoundError(`source ${summary.name} of node ${node}`);
  if (stale(loaded.profile)) loaded = { profile: await rederive(captureId, node, summary, loaded.profile), version: loaded.version };
  profiles.set(`${captureId}/${node}/${summary.name}@${loaded.version}`, loaded);
  return loaded;
}

/** Made under older rules for syscall rows and CPU slices (DERIVATION_RULES), and holds some. */
export function stale(profile: Profile): boolean {
  return profile.meta.rules !== DERIVATION_RULES && (profile.syscalls.length > 0 || profile.sched.length > 0);
}

/**
 * A stored profile made under older rules, parsed again from its raw capture so that every view
 * shows what the rules say today (kept in the cache, not written back: the upload stays as it was).
 */
export async function rederive(captureId: string, node: string, summary: SourceSummary, old: Profile): Promise<Profile> {
  const raw = await (await getStore()).openRaw(captureId, node, summary.name);
  if (!raw) throw new NotFoundError(`source ${summary.name} of node ${node}`);
  const { profile } = await parseCapture(raw.stream, {
    file: summary.name,
    arch: old.meta.arch,
    limits: modelLimits(),
  });
  return profile;
}

/** Profiles of the given sources (one per host), loaded one after another. */
export async function loadSources(captureId: string, picks: readonly { node: string; source: SourceSummary }[]): Promise<LoadedSource[]> {
  const out: LoadedSource[] = [];
  for (const p of picks) out.push({ ...(await loadProfile(captureId, p.node, p.source)), summary: p.source });
  return out;
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
