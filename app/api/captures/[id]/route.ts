import { endpoints } from '@/lib/api/endpoints';
import { captureRecord } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id} → the capture and its nodes */
export const GET = route(endpoints.capture, ({ params }) => captureRecord(params));
