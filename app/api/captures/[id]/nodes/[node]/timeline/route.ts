import { NodeParams, TimelineQuery } from '@/lib/api/schemas';
import { timeline } from '@/lib/profile/timeline';
import { handle, json, parseOr400, searchParams } from '@/lib/server/http';
import { loadProfile } from '@/lib/server/profiles';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/timeline[?fromNs=&toNs=&buckets=]
 * → records per bucket per event, syscalls per bucket, and per-CPU busy share from sched_switch.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string; node: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    const q = parseOr400(TimelineQuery, searchParams(req), 'query');
    const { profile } = await loadProfile(id, node);
    return json(timeline(profile, q));
  });
}
