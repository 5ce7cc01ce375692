import { endpoints } from '@/lib/api/endpoints';
import { fetchSource } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * POST /api/captures/{id}/nodes/{node}/fetch {"url": "https://…"[, "arch", "source"]} → 201 with
 * the source's summary: the server downloads the capture (streamed, as an upload would be).
 * Private and local addresses are refused unless TRACEFLEET_FETCH_ALLOW_PRIVATE=1.
 */
export const POST = route(endpoints.fetchNode, ({ params, body, req }) => fetchSource(params, body, req));
