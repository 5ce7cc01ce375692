import { endpoints } from '@/lib/api/endpoints';
import { nodeTimeline } from '@/lib/server/events';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/nodes/{node}/timeline[?fromNs=&toNs=&buckets=]
 * → records per bucket per event, syscalls per bucket, and per-CPU busy share from sched_switch.
 */
export const GET = route(endpoints.timeline, ({ params, query }) => nodeTimeline(params, query));
