import { z } from 'zod';
import { CaptureParams, CompareQuery } from '@/lib/api/schemas';
import { mergedTree } from '@/lib/profile/compare';
import { captureMultiTree } from '@/lib/server/compare';
import { handle, json, parseOr400, searchParams } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const Query = CompareQuery.extend({ merge: z.literal('all'), maxNodes: z.coerce.number().int().min(100).max(50_000).optional() });

/** GET /api/captures/{id}/flamegraph?merge=all[&event=] → all nodes summed; each frame has its per-node totals (`per`, in `nodes` order). */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = parseOr400(CaptureParams, await ctx.params, 'path');
    const { merge: _merge, maxNodes, ...q } = parseOr400(Query, searchParams(req), 'query');
    const { nodes, multi } = await captureMultiTree(id, q);
    const merged = mergedTree(multi, maxNodes);
    return json({ nodes, root: merged.root, total: merged.total, truncated: merged.truncated });
  });
}
