import { endpoints } from '@/lib/api/endpoints';
import { getCapture } from '@/lib/server/profiles';
import { liveEvents } from '@/lib/server/live';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * GET /api/captures/{id}/events → text/event-stream: a snapshot of the uploads in progress,
 * then each upload's progress (receiving, parsing, ready, failed) and `changed` when sources
 * arrive, go or the capture is renamed.
 */
export const GET = route(endpoints.events, async ({ params, req }) => {
  await getCapture(params.id);
  return liveEvents(params.id, req.signal);
});
