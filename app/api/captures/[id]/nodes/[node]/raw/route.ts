import { endpoints } from '@/lib/api/endpoints';
import { rawNode } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/nodes/{node}/raw → the capture exactly as uploaded */
export const GET = route(endpoints.raw, ({ params }) => rawNode(params));
