'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Capture, CaptureList, FlameTree } from '../api/schemas';
import { api } from '../api/urls';
import { fetchJson } from './fetcher';

export function useCapture(id: string, initial?: Capture) {
  return useQuery({ queryKey: ['capture', id], queryFn: () => fetchJson(api.capture(id), Capture), initialData: initial, staleTime: 10_000 });
}

export function useCaptureList() {
  return useQuery({ queryKey: ['captures'], queryFn: () => fetchJson(`${api.captures}?limit=50`, CaptureList) });
}

export interface FlameParams {
  event?: string;
  focus?: readonly string[];
  search?: string;
  fromNs?: number;
  toNs?: number;
}

export function flameUrl(id: string, node: string, p: FlameParams): string {
  const q = new URLSearchParams();
  if (p.event) q.set('event', p.event);
  if (p.focus && p.focus.length > 0) q.set('focus', p.focus.join(';'));
  if (p.search) q.set('search', p.search);
  if (p.fromNs !== undefined) q.set('fromNs', String(p.fromNs));
  if (p.toNs !== undefined) q.set('toNs', String(p.toNs));
  const qs = q.toString();
  return `${api.flamegraph(id, node)}${qs ? `?${qs}` : ''}`;
}

/** The level-of-detail flame tree of one node; keeps showing the previous tree while the next loads. */
export function useFlameTree(id: string, node: string, p: FlameParams, version: string) {
  return useQuery({
    queryKey: ['flame', id, node, version, p.event ?? '', (p.focus ?? []).join(';'), p.search ?? '', p.fromNs ?? '', p.toNs ?? ''],
    queryFn: () => fetchJson(flameUrl(id, node, p), FlameTree),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}
