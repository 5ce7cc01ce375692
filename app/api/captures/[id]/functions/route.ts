import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/functions[?kind=&event=…] → the merged cluster's functions table, and
 * per row each host's self share ({"nodes","shares":[[…per host]],…}).
 */
export const GET = route(endpoints.clusterFunctions, ({ params, query, req }) => runQuery('clusterFunctions', [params, query], req.signal));
