import { endpoints } from '@/lib/api/endpoints';
import { rawSource } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/nodes/{node}/raw[?source=] → a source exactly as uploaded (default: the host's CPU profile) */
export const GET = route(endpoints.raw, ({ params, query }) => rawSource({ ...params, source: query.source }));
