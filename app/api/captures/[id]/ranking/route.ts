import { endpoints } from '@/lib/api/endpoints';
import { ranking } from '@/lib/server/flame';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/ranking[?event=] → nodes, most different from the rest of the cluster
 * first: [{"node","score","selfJs","totalJs","topFrames":[{"name","deltaShare","contribution"}]}]
 * (score: Jensen–Shannon divergence of per-function total shares against the other nodes' mean).
 */
export const GET = route(endpoints.ranking, ({ params, query }) => ranking(params, query));
