import { NodeParams, RangeQuery } from '@/lib/api/schemas';
import { syscallSummary } from '@/lib/profile/syscalls';
import { handle, json, parseOr400, searchParams } from '@/lib/server/http';
import { loadProfile } from '@/lib/server/profiles';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/syscalls[?fromNs=&toNs=]
 * → [{"name","calls","errors","totalSeconds","maxSeconds"}] with strace -c semantics.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string; node: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    const range = parseOr400(RangeQuery, searchParams(req), 'query');
    const { profile } = await loadProfile(id, node);
    return json(syscallSummary(profile, range));
  });
}
