import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/flamegraph[?…folded flags…&focus=a;b;c&search=term&maxNodes=N&minShare=X]
 * → the level-of-detail tree the flame graph draws (short keys n, v, s, k, l, c).
 */
export const GET = route(endpoints.flamegraph, ({ params, query, req }) => runQuery('flamegraph', [params, query], req.signal));
