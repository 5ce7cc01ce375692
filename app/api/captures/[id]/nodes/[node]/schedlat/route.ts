import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/nodes/{node}/schedlat[?source=&cause=&fromNs=&toNs=] → the host's scheduler latency (runnable → running) and per task. */
export const GET = route(endpoints.schedLatency, ({ params, query, req }) => runQuery('schedLatency', [params, query], req.signal));
