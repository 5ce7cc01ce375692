import { endpoints } from '@/lib/api/endpoints';
import { captureRecord, deleteCapture, renameCapture } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id} → the capture, its hosts and their sources */
export const GET = route(endpoints.capture, ({ params }) => captureRecord(params));

/** PATCH /api/captures/{id} {"name"} → the renamed capture */
export const PATCH = route(endpoints.renameCapture, ({ params, body }) => renameCapture(params, body));

/** DELETE /api/captures/{id} → 204; its link answers 404 and its bytes are gone */
export const DELETE = route(endpoints.deleteCapture, ({ params }) => deleteCapture(params));
