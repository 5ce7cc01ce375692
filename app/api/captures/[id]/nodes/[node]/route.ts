import { NodeParams, UploadQuery } from '@/lib/api/schemas';
import { handle, json, parseOr400, searchParams } from '@/lib/server/http';
import { ingestNode } from '@/lib/server/ingest';
import { getStore } from '@/lib/server/store';
import { NotFoundError } from '@/lib/store';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ id: string; node: string }> };

/** Optional `x-file-name` (URI-encoded) names the upload in error messages. */
function fileNameHeader(req: Request): string | undefined {
  const raw = req.headers.get('x-file-name');
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw).slice(0, 256);
  } catch {
    return raw.slice(0, 256);
  }
}

/**
 * PUT /api/captures/{id}/nodes/{node}[?arch=arm64] with the raw capture as the body (any
 * supported format, gzip or plain) → 201 with the node's summary. Re-PUT replaces the node.
 */
export async function PUT(req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    const { arch } = parseOr400(UploadQuery, searchParams(req), 'query');
    const summary = await ingestNode(id, node, req.body, { fileName: fileNameHeader(req), arch });
    return json(summary, 201);
  });
}

/** GET /api/captures/{id}/nodes/{node} → the node's summary */
export async function GET(_req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    const capture = await (await getStore()).getCapture(id);
    const summary = capture?.nodes.find((n) => n.name === node);
    if (!capture) throw new NotFoundError('capture');
    if (!summary) throw new NotFoundError(`node ${node}`);
    return json(summary);
  });
}

/** DELETE /api/captures/{id}/nodes/{node} → 204 */
export async function DELETE(_req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { id, node } = parseOr400(NodeParams, await ctx.params, 'path');
    if (!(await (await getStore()).deleteNode(id, node))) throw new NotFoundError(`node ${node}`);
    return new Response(null, { status: 204 });
  });
}
