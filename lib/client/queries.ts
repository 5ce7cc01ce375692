'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Capture, CaptureList, ClusterSyscallHeatmap, DiffTree, MergedFlame, Ranking, FlameTree, LatencyHeatmap, NodeSyscallHeatmap, SubsecondHeatmap, SyscallRows, Timeline, type CellSelection } from '../api/schemas';
import { api } from '../api/urls';
import { fetchJson } from './fetcher';

export function useCapture(id: string, initial?: Capture) {
  return useQuery({ queryKey: ['capture', id], queryFn: () => fetchJson(api.capture(id), Capture), initialData: initial, staleTime: 10_000 });
}

export function useCaptureList() {
  return useQuery({ queryKey: ['captures'], queryFn: () => fetchJson(`${api.captures}?limit=50`, CaptureList) });
}

export interface FlameParams {
  /** Node budget of the level-of-detail tree (small cards need fewer). */
  maxNodes?: number;
  event?: string;
  focus?: readonly string[];
  search?: string;
  fromNs?: number;
  toNs?: number;
  sel?: CellSelection;
}

export function selText(c: CellSelection): string {
  return [c.colNs, c.rowNs, c.c0, c.c1, c.r0, c.r1].join(',');
}

export function flameUrl(id: string, node: string, p: FlameParams): string {
  const q = new URLSearchParams();
  if (p.event) q.set('event', p.event);
  if (p.focus && p.focus.length > 0) q.set('focus', p.focus.join(';'));
  if (p.search) q.set('search', p.search);
  if (p.fromNs !== undefined) q.set('fromNs', String(p.fromNs));
  if (p.toNs !== undefined) q.set('toNs', String(p.toNs));
  if (p.sel) q.set('sel', selText(p.sel));
  if (p.maxNodes) q.set('maxNodes', String(p.maxNodes));
  const qs = q.toString();
  return `${api.flamegraph(id, node)}${qs ? `?${qs}` : ''}`;
}

/** The level-of-detail flame tree of one node; keeps showing the previous tree while the next loads. */
export function useFlameTree(id: string, node: string, p: FlameParams, version: string, enabled = true) {
  return useQuery({
    queryKey: ['flame', id, node, version, p.event ?? '', (p.focus ?? []).join(';'), p.search ?? '', p.fromNs ?? '', p.toNs ?? '', p.sel ? selText(p.sel) : '', p.maxNodes ?? ''],
    queryFn: () => fetchJson(flameUrl(id, node, p), FlameTree),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    enabled,
  });
}

const qs = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
};

export function useTimeline(id: string, node: string, version: string, buckets: number) {
  return useQuery({
    queryKey: ['timeline', id, node, version, buckets],
    queryFn: () => fetchJson(`${api.node(id, node)}/timeline?${qs({ buckets })}`, Timeline),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

export function useSyscalls(id: string, node: string, version: string, range?: readonly [number, number]) {
  return useQuery({
    queryKey: ['syscalls', id, node, version, range?.join('-') ?? ''],
    queryFn: () => fetchJson(`${api.node(id, node)}/syscalls?${qs({ fromNs: range?.[0], toNs: range?.[1] })}`, SyscallRows),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

export function useSubsecond(id: string, node: string, version: string, event?: string) {
  return useQuery({
    queryKey: ['subsecond', id, node, version, event ?? ''],
    queryFn: () => fetchJson(`${api.capture(id)}/heatmap?${qs({ kind: 'subsecond', node, event })}`, SubsecondHeatmap),
    staleTime: Infinity,
  });
}

export function useClusterSyscalls(id: string, versions: string, metric: string) {
  return useQuery({
    queryKey: ['cluster-syscalls', id, versions, metric],
    queryFn: () => fetchJson(`${api.capture(id)}/heatmap?${qs({ kind: 'syscalls', metric })}`, ClusterSyscallHeatmap),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

export function useNodeSyscallHeatmap(id: string, node: string, version: string, metric: string, buckets: number, range?: readonly [number, number]) {
  return useQuery({
    queryKey: ['node-syscalls', id, node, version, metric, buckets, range?.join('-') ?? ''],
    queryFn: () => fetchJson(`${api.capture(id)}/heatmap?${qs({ kind: 'syscalls', node, metric, buckets, fromNs: range?.[0], toNs: range?.[1] })}`, NodeSyscallHeatmap),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

export function useLatencyHeatmap(id: string, node: string, version: string, syscall: string | undefined, buckets: number, range?: readonly [number, number]) {
  return useQuery({
    queryKey: ['latency', id, node, version, syscall ?? '', buckets, range?.join('-') ?? ''],
    queryFn: () => fetchJson(`${api.capture(id)}/heatmap?${qs({ kind: 'latency', node, syscall, buckets, fromNs: range?.[0], toNs: range?.[1] })}`, LatencyHeatmap),
    enabled: !!syscall,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

export function useRanking(id: string, versions: string, event?: string) {
  return useQuery({
    queryKey: ['ranking', id, versions, event ?? ''],
    queryFn: () => fetchJson(`${api.capture(id)}/ranking?${qs({ event })}`, Ranking),
    staleTime: Infinity,
  });
}

export function useDiff(id: string, versions: string, a: string | undefined, b: string, shape: 'a' | 'b', event?: string) {
  return useQuery({
    queryKey: ['diff', id, versions, a ?? '', b, shape, event ?? ''],
    queryFn: () => fetchJson(`${api.capture(id)}/diff?${qs({ a, b, shape, event })}`, DiffTree),
    enabled: !!a,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

export function useMerged(id: string, versions: string, event?: string) {
  return useQuery({
    queryKey: ['merged', id, versions, event ?? ''],
    queryFn: () => fetchJson(`${api.capture(id)}/flamegraph?${qs({ merge: 'all', event })}`, MergedFlame),
    staleTime: Infinity,
  });
}
