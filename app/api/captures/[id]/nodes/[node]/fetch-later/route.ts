import { endpoints } from '@/lib/api/endpoints';
import { fetchLater } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * POST /api/captures/{id}/nodes/{node}/fetch-later {"url": "https://…"[, "arch", "source"]} → 202
 * {"job"}: the same download as …/fetch, as a background job (on PostgreSQL, any replica's; taken
 * over when that replica dies). Progress and failures: the capture's live events.
 */
export const POST = route(endpoints.fetchLater, ({ params, body }) => fetchLater(params, body));
