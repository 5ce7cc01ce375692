import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/sandwich?fn=NAME&side=callers|callees[&kind=…&event=…&tf=…]
 * → a function's sandwich over the merged cluster: every host of the kind summed.
 */
export const GET = route(endpoints.clusterSandwich, ({ params, query, req }) => runQuery('clusterSandwich', [params, query], req.signal));
