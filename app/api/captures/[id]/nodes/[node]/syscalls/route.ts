import { endpoints } from '@/lib/api/endpoints';
import { runQuery } from '@/lib/server/pool';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/nodes/{node}/syscalls[?fromNs=&toNs=] → [{"name","calls","errors","totalSeconds","maxSeconds"}] with strace -c semantics. */
export const GET = route(endpoints.syscalls, ({ params, query, req }) => runQuery('syscalls', [params, query], req.signal));
