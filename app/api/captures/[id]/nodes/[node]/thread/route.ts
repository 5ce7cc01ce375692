import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/nodes/{node}/thread[?source=&tid=&fromNs=&toNs=] → the source's threads and one thread's wall clock. */
export const GET = route(endpoints.thread, ({ params, query, req }) => runQuery('thread', [params, query], req.signal));
