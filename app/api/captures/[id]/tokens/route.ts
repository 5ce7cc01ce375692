import { endpoints } from '@/lib/api/endpoints';
import { listTokens, newToken } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/tokens → the capture's upload tokens (never their secrets); needs the server's token */
export const GET = route(endpoints.tokens, ({ params }) => listTokens(params));

/** POST /api/captures/{id}/tokens {"days"?} → 201 a new upload token for the capture; needs the server's token */
export const POST = route(endpoints.newToken, ({ params, body }) => newToken(params, body));
