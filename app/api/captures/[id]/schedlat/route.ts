import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/schedlat[?cause=&fromNs=&toNs=] → each host's scheduler latency percentiles (node × percentile). */
export const GET = route(endpoints.clusterSchedLatency, ({ params, query, req }) => runQuery('clusterSchedLatency', [params, query], req.signal));
