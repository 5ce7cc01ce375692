import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/sandwich?fn=NAME&side=callers|callees[&…flame graph flags]
 * → a flame tree rooted at the function: its callers up to the stack roots, or its callees,
 * merged over every place it occurs (recursion counted once per stack).
 */
export const GET = route(endpoints.sandwich, ({ params, query, req }) => runQuery('sandwich', [params, query], req.signal));
