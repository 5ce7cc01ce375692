import { CaptureParams, HeatmapQuery } from '@/lib/api/schemas';
import { latencyHeatmap, subsecondHeatmap, syscallTimeHeatmap } from '@/lib/profile/heatmap';
import { syscallSummary } from '@/lib/profile/syscalls';
import { handle, json, parseOr400, searchParams } from '@/lib/server/http';
import { loadProfile } from '@/lib/server/profiles';
import { getStore } from '@/lib/server/store';
import { NotFoundError } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/heatmap?kind=subsecond&node=N[&event=&rows=]   FlameScope's subsecond-offset heatmap
 * GET /api/captures/{id}/heatmap?kind=syscalls[&metric=calls|errors|time]   node × syscall for the cluster
 * GET /api/captures/{id}/heatmap?kind=syscalls&node=N[&metric=&buckets=&fromNs=&toNs=]   syscall × time
 * GET /api/captures/{id}/heatmap?kind=latency&node=N&syscall=read[&buckets=&fromNs=&toNs=]   time × latency (log2)
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = parseOr400(CaptureParams, await ctx.params, 'path');
    const q = parseOr400(HeatmapQuery, searchParams(req), 'query');
    switch (q.kind) {
      case 'subsecond': {
        const { profile } = await loadProfile(id, q.node);
        return json({ kind: 'subsecond', node: q.node, ...subsecondHeatmap(profile, { event: q.event, rows: q.rows }) });
      }
      case 'latency': {
        const { profile } = await loadProfile(id, q.node);
        return json({ kind: 'latency', node: q.node, ...latencyHeatmap(profile, q.syscall, q) });
      }
      case 'syscalls': {
        if (q.node) {
          const { profile } = await loadProfile(id, q.node);
          return json({ kind: 'syscalls', scope: 'node', node: q.node, ...syscallTimeHeatmap(profile, q) });
        }
        const capture = await (await getStore()).getCapture(id);
        if (!capture) throw new NotFoundError('capture');
        const perNode = await Promise.all(capture.nodes.map(async (n) => syscallSummary((await loadProfile(id, n.name)).profile, q)));
        const totals = new Map<string, number>();
        for (const rows of perNode) for (const r of rows) totals.set(r.name, (totals.get(r.name) ?? 0) + (q.metric === 'time' ? r.totalSeconds : q.metric === 'errors' ? r.errors : r.calls));
        const syscalls = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
        const cells = perNode.map((rows) => {
          const byName = new Map(rows.map((r) => [r.name, r]));
          return syscalls.map((name) => {
            const r = byName.get(name);
            return { calls: r?.calls ?? 0, errors: r?.errors ?? 0, totalSeconds: r?.totalSeconds ?? 0 };
          });
        });
        return json({ kind: 'syscalls', scope: 'cluster', nodes: capture.nodes.map((n) => n.name), syscalls, cells });
      }
    }
  });
}
