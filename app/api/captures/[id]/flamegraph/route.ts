import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/flamegraph?merge=all[&event=&focus=&search=&maxNodes=&minShare=] → all
 * nodes summed; each frame has its per-node totals (`per`, in `nodes` order).
 */
export const GET = route(endpoints.merged, ({ params, query, req }) => runQuery('merged', [params, query], req.signal));
