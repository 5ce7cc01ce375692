'use client';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { endpoints, endpointUrl, type Endpoint, type Heatmap, type ParamsOf, type QueryOf } from '../api/endpoints';
import type { Capture } from '../api/schemas';
import { findPath, type TreeNode } from '../viz/tree';
import { fetchJson } from './fetcher';

type JsonEndpoint = Endpoint & { response: z.ZodType };

interface Options<T> {
  /** Extra cache-key parts the URL does not carry (the node versions the answer depends on). */
  key?: readonly unknown[];
  enabled?: boolean;
  /** Keep showing the previous answer while the next one loads. */
  keepPrevious?: boolean;
  initialData?: T;
  staleTime?: number;
}

/**
 * The one query hook: any JSON endpoint of the table, its URL built from the table, its answer
 * validated by the endpoint's response schema.
 */
/** The cache key of an endpoint's answers (a prefix of every query of it with these parameters). */
export function endpointKey<E extends Endpoint>(endpoint: E, params: ParamsOf<E>): unknown[] {
  return [endpoint.method, endpoint.path, params];
}

export function useEndpoint<E extends JsonEndpoint>(endpoint: E, params: ParamsOf<E>, query: QueryOf<E>, opts: Options<z.output<E['response']>> = {}) {
  type Out = z.output<E['response']>;
  return useQuery<Out, Error, Out>({
    // Params and query, not the URL: a query the schema refuses becomes this query's error
    // (the URL is built in the query function), never an exception while rendering.
    queryKey: [...endpointKey(endpoint, params), query ?? null, ...(opts.key ?? [])],
    queryFn: () => fetchJson(endpointUrl(endpoint, params, query), endpoint.response) as Promise<Out>,
    enabled: opts.enabled,
    placeholderData: opts.keepPrevious ? keepPreviousData : undefined,
    initialData: opts.initialData,
    staleTime: opts.staleTime ?? Infinity,
  });
}

/** The same endpoint for several parameter sets at once (one query each, cached like useEndpoint's). */
export function useEndpoints<E extends JsonEndpoint>(endpoint: E, calls: readonly { params: ParamsOf<E>; query: QueryOf<E>; key?: readonly unknown[] }[]) {
  type Out = z.output<E['response']>;
  return useQueries({
    queries: calls.map((c) => ({
      queryKey: [...endpointKey(endpoint, c.params), c.query ?? null, ...(c.key ?? [])],
      queryFn: () => fetchJson(endpointUrl(endpoint, c.params, c.query), endpoint.response) as Promise<Out>,
      staleTime: Infinity,
    })),
  });
}

export function useCapture(id: string, initial?: Capture) {
  return useEndpoint(endpoints.capture, { id }, undefined, { initialData: initial, staleTime: 10_000 });
}

export function useCaptureList() {
  return useEndpoint(endpoints.listCaptures, {}, { limit: 50 }, { staleTime: 0 });
}

/** A heatmap of the kind asked for (the endpoint answers a union; each view knows its kind). */
export function useHeatmap<K extends Heatmap['kind']>(id: string, query: QueryOf<typeof endpoints.heatmap> & { kind: K }, version: string, opts: Options<Heatmap> = {}) {
  const result = useEndpoint(endpoints.heatmap, { id }, query, { ...opts, key: [version] });
  return { ...result, data: result.data as Extract<Heatmap, { kind: K }> | undefined };
}

/** What every level-of-detail answer carries. */
interface LodAnswer<N> {
  root: N;
  truncated: boolean;
  focusFound: boolean;
}

/**
 * A flame tree that can be zoomed into any frame. The server folds frames below the budget
 * into aggregates; when the user zooms into a tree that was trimmed, the zoomed subtree is
 * asked for at full detail (`focus=`) and drawn instead, while the whole tree stays cached for
 * zooming out. `missing` says the zoomed path is not in this tree at all.
 */
export function useZoomableTree<E extends JsonEndpoint, N extends TreeNode<N>>(
  endpoint: E,
  params: ParamsOf<E>,
  query: QueryOf<E>,
  zoom: readonly string[],
  opts: Options<z.output<E['response']>> = {},
) {
  type Out = z.output<E['response']> & LodAnswer<N>;
  const base = useEndpoint(endpoint, params, query, { keepPrevious: true, ...opts });
  const baseData = base.data as Out | undefined;
  const needFocus = !!baseData?.truncated && zoom.length > 0;
  const focusedQuery = { ...(query as object), focus: needFocus ? [...zoom] : undefined } as QueryOf<E>;
  const focused = useEndpoint(endpoint, params, focusedQuery, { keepPrevious: true, ...opts, enabled: opts.enabled !== false && needFocus });
  const focusedData = focused.data as Out | undefined;
  const tree = needFocus && focusedData ? focusedData : baseData;
  const missing = zoom.length > 0 && !!tree && !(needFocus ? focusedData?.focusFound !== false : findPath(tree.root, zoom) !== null);
  return { tree, error: base.error ?? focused.error, missing, updating: base.isPlaceholderData };
}
