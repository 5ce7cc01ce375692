import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/export?format=folded|pprof|speedscope|svg[&event=…&fromNs=…&toNs=…&sel=…]
 * → the node's stacks as a file: folded text, pprof (gzip), speedscope JSON, or a flame graph SVG.
 */
export const GET = route(endpoints.exportNode, async ({ params, query, req }) => {
  const file = await runQuery('export', [params, query], req.signal);
  return new Response(file.body as BodyInit, {
    headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store' },
  });
});
