import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/timeline[?fromNs=&toNs=&buckets=]
 * → records per bucket per event, syscalls per bucket, and per-CPU busy share from sched_switch.
 */
export const GET = route(endpoints.timeline, ({ params, query, req }) => runQuery('timeline', [params, query], req.signal));
