import { NodeParams, StackQuery } from '@/lib/api/schemas';
import { foldedLines } from '@/lib/profile/collapse';
import { handle, parseOr400, searchParams } from '@/lib/server/http';
import { loadProfile, nameTree } from '@/lib/server/profiles';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/folded[?pid=1&tid=1&kernel=1&jit=1&all=1&addrs=1&event=NAME]
 * → text/plain folded stacks, as stackcollapse-perf.pl prints them with the same options.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string; node: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    const query = parseOr400(StackQuery, searchParams(req), 'query');
    const loaded = await loadProfile(id, node);
    const lines = foldedLines(nameTree(loaded, `${id}/${node}`, query));
    return new Response(lines.length ? lines.join('\n') + '\n' : '', {
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `inline; filename="${node}.folded"`,
        'cache-control': 'no-store',
      },
    });
  });
}
