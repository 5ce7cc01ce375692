import { endpoints } from '@/lib/api/endpoints';
import { pyroscopeIngest } from '@/lib/server/pyroscope';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/**
 * POST /api/ingest?name=APP{node=HOST}&from=UNIX_S&until=UNIX_S&format=folded|pprof, Pyroscope's
 * push API → 200 {"id","url","node","source","stacks","skipped","startNs","endNs"}
 */
export const POST = route(endpoints.ingest, ({ query, body, req }) => pyroscopeIngest(query, body, req));
