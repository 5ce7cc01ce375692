import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/heatmap?kind=subsecond&node=N[&event=&rows=]   FlameScope's subsecond-offset heatmap
 * GET /api/captures/{id}/heatmap?kind=syscalls[&metric=calls|errors|time]   node × syscall for the cluster
 * GET /api/captures/{id}/heatmap?kind=syscalls&node=N[&metric=&buckets=&fromNs=&toNs=]   syscall × time
 * GET /api/captures/{id}/heatmap?kind=latency&node=N&syscall=read[&buckets=&fromNs=&toNs=]   time × latency (log2)
 */
export const GET = route(endpoints.heatmap, ({ params, query, req }) => runQuery('heatmap', [params, query], req.signal));
