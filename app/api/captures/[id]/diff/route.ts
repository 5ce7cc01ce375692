import { CaptureParams, DiffQuery } from '@/lib/api/schemas';
import { diffTree } from '@/lib/profile/compare';
import { captureMultiTree } from '@/lib/server/compare';
import { handle, HttpError, json, parseOr400, searchParams } from '@/lib/server/http';
import { NotFoundError } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/diff?a=NODE&b=NODE|cluster[&event=&fromNs=&toNs=&shape=a|b]
 * → the differential tree: every frame with both sides' totals and self values and shares
 * (shares of each side's total; `cluster` averages the other nodes' shares).
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = parseOr400(CaptureParams, await ctx.params, 'path');
    const { a, b, shape, maxNodes, ...q } = parseOr400(DiffQuery, searchParams(req), 'query');
    const { nodes, multi } = await captureMultiTree(id, q);
    const ai = nodes.indexOf(a);
    if (ai < 0) throw new NotFoundError(`node ${a}`);
    let side: number[];
    if (b === 'cluster') {
      side = nodes.map((_, i) => i).filter((i) => i !== ai);
      if (side.length === 0) throw new HttpError(400, 'bad_request', 'the capture has no other node to compare with');
    } else {
      const bi = nodes.indexOf(b);
      if (bi < 0) throw new NotFoundError(`node ${b}`);
      side = [bi];
    }
    return json({ a, b, shape: shape ?? 'a', ...diffTree(multi, ai, side, { shape, maxNodes }) });
  });
}
