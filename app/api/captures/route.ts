import { endpoints } from '@/lib/api/endpoints';
import { authorize } from '@/lib/server/auth';
import { createCapture, listCaptures } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** POST /api/captures {"name"?} → 201 {"id","url","uploadToken":{"id","token","expiresAt"}} */
export const POST = route(endpoints.createCapture, ({ body }) => createCapture(body));

/** GET /api/captures[?limit=50][&ids=a,b] → {"captures":[…]} most recent first; all of them needs the server's token. */
export const GET = route(endpoints.listCaptures, async ({ query, req }) => {
  if (!query.ids) await authorize(req, 'server');
  return listCaptures(query.limit, query.ids);
});
