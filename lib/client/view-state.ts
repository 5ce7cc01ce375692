'use client';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import type { Capture, NodeSummary } from '../api/schemas';
import { parseViewState, serializeViewState, sourceKey, type ViewState } from '../api/view-state';
import type { Transform } from '../util/transforms';

/**
 * The page's view state, read from and written to the URL (validated by the versioned schema).
 * Updates replace the history entry in place: no navigation, no server round trip.
 */
export function useViewState(): [ViewState, (update: (s: ViewState) => ViewState) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const state = useMemo(() => parseViewState(new URLSearchParams(params.toString())), [params]);
  const setState = useCallback(
    (update: (s: ViewState) => ViewState) => {
      const current = parseViewState(new URLSearchParams(window.location.search));
      const next = serializeViewState(update(current)).toString();
      window.history.replaceState(null, '', `${pathname}?${next}`);
    },
    [pathname],
  );
  return [state, setState];
}

export type SetView = (update: (s: ViewState) => ViewState) => void;

/** Immutable update of one node's entry in a per-node record (undefined removes it). */
export function withNode<T>(rec: Record<string, T>, node: string, value: T | undefined): Record<string, T> {
  const next = { ...rec };
  if (value === undefined) delete next[node];
  else next[node] = value;
  return next;
}

/** What every view of a capture page receives. */
export interface CaptureViewProps {
  capture: Capture;
  view: ViewState;
  setView: SetView;
  /** The selected node (the first one when none is). */
  selected: NodeSummary;
}

/** The user's offsets of a host's wall-clock sources, as placeSources() takes them. */
export function shiftOf(view: ViewState, node: string): (source: string) => number {
  return (source) => view.sourceOffset[sourceKey(node, source)] ?? 0;
}

/** A new stack of transforms; zoomed paths are of the old trees, so they are cleared. */
export function withTransforms(s: ViewState, transforms: Transform[]): ViewState {
  return { ...s, transforms, zoom: {}, offZoom: {}, diffZoom: [], mergedZoom: [], callersZoom: [], calleesZoom: [] };
}
