import { CreateCaptureBody, ListQuery } from '@/lib/api/schemas';
import { captureUrl } from '@/lib/api/urls';
import { handle, HttpError, json, parseOr400, searchParams } from '@/lib/server/http';
import { getStore } from '@/lib/server/store';

export const dynamic = 'force-dynamic';

/** POST /api/captures {"name"?} → 201 {"id","url"} */
export async function POST(req: Request): Promise<Response> {
  return handle(async () => {
    const text = await req.text();
    let raw: unknown = {};
    if (text.trim().length > 0) {
      try {
        raw = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'bad_request', 'body must be JSON like {"name": "my capture"}');
      }
    }
    const body = parseOr400(CreateCaptureBody, raw, 'body');
    const store = await getStore();
    const capture = await store.createCapture(body.name || `capture ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`);
    return json({ id: capture.id, url: captureUrl(capture.id) }, 201);
  });
}

/** GET /api/captures[?limit=50] → {"captures":[…]} most recent first (limit 1–200) */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const { limit } = parseOr400(ListQuery, searchParams(req), 'query');
    const store = await getStore();
    return json({ captures: await store.listCaptures(limit) });
  });
}
