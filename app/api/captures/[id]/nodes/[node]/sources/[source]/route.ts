import { endpoints } from '@/lib/api/endpoints';
import { deleteSource, putSource, sourceSummary } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** PUT /api/captures/{id}/nodes/{node}/sources/{source}[?arch=] with the capture as the body → 201 with its summary */
export const PUT = route(endpoints.putSource, ({ params, query, body, req }) => putSource(params, query, body, req));

/** GET /api/captures/{id}/nodes/{node}/sources/{source} → the source's summary */
export const GET = route(endpoints.source, ({ params }) => sourceSummary(params));

/** DELETE /api/captures/{id}/nodes/{node}/sources/{source} → 204 */
export const DELETE = route(endpoints.deleteSource, ({ params }) => deleteSource(params));
