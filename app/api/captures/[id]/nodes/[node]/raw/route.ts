import { NodeParams } from '@/lib/api/schemas';
import { handle, parseOr400 } from '@/lib/server/http';
import { getStore } from '@/lib/server/store';
import { NotFoundError } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** GET /api/captures/{id}/nodes/{node}/raw → the capture exactly as uploaded */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string; node: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    const raw = await (await getStore()).openRaw(id, node);
    if (!raw) throw new NotFoundError(`node ${node}`);
    return new Response(raw.stream, {
      headers: {
        'content-type': raw.gzip ? 'application/gzip' : 'text/plain; charset=utf-8',
        'content-length': String(raw.bytes),
        'content-disposition': `attachment; filename="${node}${raw.gzip ? '.txt.gz' : '.txt'}"`,
      },
    });
  });
}
