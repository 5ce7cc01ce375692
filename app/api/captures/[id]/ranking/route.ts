import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/ranking[?event=] → nodes, most different from the rest of the cluster
 * first: [{"node","score","selfJs","totalJs","topFrames":[{"name","deltaShare","contribution"}]}]
 * (score: Jensen–Shannon divergence of per-function total shares against the other nodes' mean).
 */
export const GET = route(endpoints.ranking, ({ params, query, req }) => runQuery('ranking', [params, query], req.signal));
