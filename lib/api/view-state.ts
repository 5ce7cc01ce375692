/**
 * The view state of a capture page, carried in its URL so that every view is a link a teammate
 * can open. Versioned: `v` names the schema; older versions are upgraded, never rejected, and
 * anything malformed falls back to defaults instead of breaking the page.
 *
 * v1 query parameters:
 *   node=NAME          the selected node
 *   z.NAME=a;b;c       zoomed frame path of node NAME (names root first)
 *   q=TEXT             search (plain substring, case-insensitive)
 *   ev=EVENT           event shown (default: the first event, as stackcollapse-perf.pl)
 */
import { z } from 'zod';
import { NODE_NAME_PATTERN } from './schemas';

export const VIEW_STATE_VERSION = 1;

const Path = z.array(z.string().max(4096)).max(1100);

export const ViewState = z.object({
  v: z.literal(VIEW_STATE_VERSION),
  node: z.string().regex(NODE_NAME_PATTERN).optional().catch(undefined),
  zoom: z.record(z.string().regex(NODE_NAME_PATTERN), Path).catch({}),
  search: z.string().max(500).catch(''),
  event: z.string().min(1).max(256).optional().catch(undefined),
});
export type ViewState = z.infer<typeof ViewState>;

export const DEFAULT_VIEW: ViewState = { v: VIEW_STATE_VERSION, zoom: {}, search: '' };

/** Upgraders from older versions, keyed by the version they read. */
const UPGRADERS: Record<number, (p: URLSearchParams) => URLSearchParams> = {};

export function parseViewState(params: URLSearchParams): ViewState {
  let p = new URLSearchParams(params);
  let v = Number(p.get('v') ?? VIEW_STATE_VERSION);
  while (v < VIEW_STATE_VERSION && UPGRADERS[v]) {
    p = (UPGRADERS[v] as (p: URLSearchParams) => URLSearchParams)(p);
    v++;
  }
  const zoom: Record<string, string[]> = {};
  for (const [key, value] of p) {
    if (key.startsWith('z.') && value.length > 0) zoom[key.slice(2)] = value.split(';');
  }
  const parsed = ViewState.safeParse({
    v: VIEW_STATE_VERSION,
    node: p.get('node') ?? undefined,
    zoom,
    search: p.get('q') ?? '',
    event: p.get('ev') ?? undefined,
  });
  return parsed.success ? parsed.data : DEFAULT_VIEW;
}

export function serializeViewState(s: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  p.set('v', String(VIEW_STATE_VERSION));
  if (s.node) p.set('node', s.node);
  for (const [node, path] of Object.entries(s.zoom).sort(([a], [b]) => (a < b ? -1 : 1))) if (path.length > 0) p.set(`z.${node}`, path.join(';'));
  if (s.search) p.set('q', s.search);
  if (s.event) p.set('ev', s.event);
  return p;
}
