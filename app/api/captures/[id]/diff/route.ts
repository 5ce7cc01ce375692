import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/diff?a=NODE&b=NODE|cluster[&event=&fromNs=&toNs=&shape=a|b&focus=&search=&maxNodes=&minShare=]
 * → the differential tree: every frame with both sides' totals and self values and shares
 * (shares of each side's total; `cluster` averages the other nodes' shares).
 */
export const GET = route(endpoints.diff, ({ params, query, req }) => runQuery('diff', [params, query], req.signal));
