import { CaptureParams, CompareQuery } from '@/lib/api/schemas';
import { rankNodes } from '@/lib/profile/compare';
import { captureMultiTree } from '@/lib/server/compare';
import { handle, json, parseOr400, searchParams } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/ranking[?event=] → nodes, most different from the rest of the cluster
 * first: [{"node","score","selfJs","totalJs","topFrames":[{"name","deltaShare","contribution"}]}]
 * (score: Jensen–Shannon divergence of per-function total shares against the other nodes' mean).
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = parseOr400(CaptureParams, await ctx.params, 'path');
    const q = parseOr400(CompareQuery, searchParams(req), 'query');
    const { nodes, multi } = await captureMultiTree(id, q);
    return json(rankNodes(multi).map((r) => ({ ...r, node: nodes[r.node] as string })));
  });
}
