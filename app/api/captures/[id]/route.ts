import { CaptureParams } from '@/lib/api/schemas';
import { handle, json, parseOr400 } from '@/lib/server/http';
import { getStore } from '@/lib/server/store';
import { NotFoundError } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id} → the capture and its nodes */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = parseOr400(CaptureParams, await ctx.params, 'path');
    const capture = await (await getStore()).getCapture(id);
    if (!capture) throw new NotFoundError('capture');
    return json(capture);
  });
}
