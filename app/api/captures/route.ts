import { endpoints } from '@/lib/api/endpoints';
import { createCapture, listCaptures } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** POST /api/captures {"name"?} → 201 {"id","url"} */
export const POST = route(endpoints.createCapture, ({ body }) => createCapture(body));

/** GET /api/captures[?limit=50] → {"captures":[…]} most recent first (limit 1–200) */
export const GET = route(endpoints.listCaptures, ({ query }) => listCaptures(query.limit));
