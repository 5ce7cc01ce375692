import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/flamechart?[thread=TID|all][&fromNs=&toNs=&event=&width=PX]
 * → the time-ordered flame chart: cells (depth, name, start, end) of consecutive samples' stacks.
 */
export const GET = route(endpoints.flameChart, ({ params, query, req }) => runQuery('flameChart', [params, query], req.signal));
