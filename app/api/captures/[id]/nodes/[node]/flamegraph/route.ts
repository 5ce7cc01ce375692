import { FlameQuery, NodeParams } from '@/lib/api/schemas';
import { lodTree } from '@/lib/profile/flame-tree';
import { handle, json, parseOr400, searchParams } from '@/lib/server/http';
import { loadProfile, nameTree, weightUnit } from '@/lib/server/profiles';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/flamegraph[?…folded flags…&focus=a;b;c&search=term&maxNodes=N]
 * → the level-of-detail tree the flame graph draws (short keys n, v, s, l, c).
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string; node: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    const query = parseOr400(FlameQuery, searchParams(req), 'query');
    const loaded = await loadProfile(id, node);
    const tree = nameTree(loaded, `${id}/${node}`, query);
    return json({ ...lodTree(tree, { focus: query.focus, search: query.search, maxNodes: query.maxNodes }), unit: weightUnit(loaded, query, tree) });
  });
}
