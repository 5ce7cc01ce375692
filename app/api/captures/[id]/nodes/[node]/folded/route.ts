import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/folded[?pid=1&tid=1&kernel=1&jit=1&all=1&addrs=1&event=NAME]
 * → text/plain folded stacks, as stackcollapse-perf.pl prints them with the same options.
 */
export const GET = route(endpoints.folded, async ({ params, query, req }) => {
  const lines = await runQuery('folded', [params, query], req.signal);
  return new Response(lines.length ? lines.join('\n') + '\n' : '', {
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': `attachment; filename="${params.node}.folded"`, 'cache-control': 'no-store' },
  });
});
