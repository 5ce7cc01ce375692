import { endpoints } from '@/lib/api/endpoints';
import { revokeToken } from '@/lib/server/captures';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** DELETE /api/captures/{id}/tokens/{tokenId} → 204: the token can no longer write */
export const DELETE = route(endpoints.revokeToken, ({ params }) => revokeToken(params));
