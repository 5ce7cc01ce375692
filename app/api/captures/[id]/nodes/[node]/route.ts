import { endpoints } from '@/lib/api/endpoints';
import { deleteNode, nodeSummary, putSource } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * PUT /api/captures/{id}/nodes/{node}[?arch=arm64] with the raw capture as the body (any
 * supported format, gzip or plain) → 201 with the source's summary. The source is named after
 * the kind detected (perf, perf-tracepoints, ftrace, trace-cmd, strace, folded): a re-PUT of
 * the same kind replaces it.
 */
export const PUT = route(endpoints.putNode, ({ params, query, body, req }) => putSource(params, query, body, req));

/** GET /api/captures/{id}/nodes/{node} → the host and its sources */
export const GET = route(endpoints.node, ({ params }) => nodeSummary(params));

/** DELETE /api/captures/{id}/nodes/{node} → 204 (every source of the host) */
export const DELETE = route(endpoints.deleteNode, ({ params }) => deleteNode(params));
