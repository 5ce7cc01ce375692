import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/functions[?event=&fromNs=&toNs=&…the folded flags]
 * → {"unit","total","totalSamples","rows":[{"name","self","total","selfSamples","totalSamples"}],"more"}
 * (heaviest self first, at most 2,000 rows; a recursive function's total counts each stack once).
 */
export const GET = route(endpoints.functions, ({ params, query, req }) => runQuery('functions', [params, query], req.signal));
