import { FetchBody, NodeParams } from '@/lib/api/schemas';
import { serverEnv } from '@/lib/server/env';
import { openUrl } from '@/lib/server/fetch-url';
import { handle, HttpError, json, parseOr400 } from '@/lib/server/http';
import { ingestNode } from '@/lib/server/ingest';

export const dynamic = 'force-dynamic';

/**
 * POST /api/captures/{id}/nodes/{node}/fetch {"url": "https://…"[, "arch"]} → 201 with the node's
 * summary: the server downloads the capture (streamed, as an upload would be). Private and
 * local addresses are refused unless TRACEFLEET_FETCH_ALLOW_PRIVATE=1.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string; node: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    let raw: unknown;
    try {
      raw = await req.json();
    } catch {
      throw new HttpError(400, 'bad_request', 'body must be JSON like {"url": "https://host/node-a.perf.txt.gz"}');
    }
    const body = parseOr400(FetchBody, raw, 'body');
    const { body: stream, name } = await openUrl(body.url, serverEnv().TRACEFLEET_FETCH_ALLOW_PRIVATE === '1');
    try {
      return json(await ingestNode(id, node, stream, { fileName: name, arch: body.arch }), 201);
    } finally {
      stream.destroy();
    }
  });
}
