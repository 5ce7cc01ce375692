import { endpoints } from '@/lib/api/endpoints';
import { deleteNode, nodeSummary, putNode } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * PUT /api/captures/{id}/nodes/{node}[?arch=arm64] with the raw capture as the body (any
 * supported format, gzip or plain) → 201 with the node's summary. Re-PUT replaces the node.
 */
export const PUT = route(endpoints.putNode, ({ params, query, body, req }) => putNode(params, query, body, req));

/** GET /api/captures/{id}/nodes/{node} → the node's summary */
export const GET = route(endpoints.node, ({ params }) => nodeSummary(params));

/** DELETE /api/captures/{id}/nodes/{node} → 204 */
export const DELETE = route(endpoints.deleteNode, ({ params }) => deleteNode(params));
