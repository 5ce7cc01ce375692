import type { z } from 'zod';
import type { BodyOf, Endpoint, ParamsOf, PathParams, QueryOf, ResponseOf } from '../api/endpoints';
import { authorize } from './auth';
import { serverEnv } from './env';
import { forgeryRisk, hostAllowed } from './guard';
import { handle, HttpError, json, parseOr400, searchParams } from './http';

export interface HandlerInput<E extends Endpoint> {
  params: ParamsOf<E>;
  query: QueryOf<E>;
  body: BodyOf<E>;
  req: Request;
}

/** JSON endpoints return their response's data (type-checked); text, bytes and empty ones return a Response. */
export type HandlerOutput<E extends Endpoint> = E['response'] extends z.ZodType ? ResponseOf<E> : Response;

type RouteContext<E extends Endpoint> = { params: Promise<PathParams<E['path']>> };

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim().length === 0) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'the body must be JSON');
  }
}

/**
 * A Next.js route handler for one endpoint of the table: access is checked first (the
 * endpoint's `access`, when the server has a token), path parameters, query and body are
 * validated by the endpoint's schemas (400 with the field at fault), the handler's answer is
 * checked against its response type at compile time (and against the schema at run time outside
 * production), and every failure goes through the one error mapper.
 */
export function route<E extends Endpoint>(endpoint: E, handler: (input: HandlerInput<E>) => Promise<HandlerOutput<E>>) {
  return (req: Request, ctx: RouteContext<E>): Promise<Response> =>
    handle(async () => {
      const env = serverEnv();
      if (!hostAllowed(req.headers.get('host'), { token: env.TRACEFLEET_TOKEN, allowedHosts: env.TRACEFLEET_ALLOWED_HOSTS }))
        throw new HttpError(403, 'host_not_allowed', 'this host name is not served while writes are open: set TRACEFLEET_ALLOWED_HOSTS (or TRACEFLEET_TOKEN) on the server');
      const risk = forgeryRisk(req);
      if (risk) throw new HttpError(403, 'forbidden', risk);
      const params = parseOr400(endpoint.params, (await ctx?.params) ?? {}, 'path') as ParamsOf<E>;
      await authorize(req, endpoint.access, (params as { id?: string }).id);
      const query = (endpoint.query ? parseOr400(endpoint.query, searchParams(req), 'query') : undefined) as QueryOf<E>;
      let body: unknown;
      if (endpoint.body === 'stream') body = req.body;
      else if (endpoint.body) body = parseOr400(endpoint.body, await readJson(req), 'body');
      const out = await handler({ params, query, body: body as BodyOf<E>, req });
      if (typeof endpoint.response === 'string') {
        if (endpoint.response === 'empty') return new Response(null, { status: endpoint.status ?? 204 });
        return out as Response;
      }
      if (process.env.NODE_ENV !== 'production') {
        const checked = endpoint.response.safeParse(out);
        if (!checked.success) throw new Error(`${endpoint.method} ${endpoint.path} answered outside its schema: ${checked.error.message.slice(0, 500)}`);
      }
      return json(out, endpoint.status ?? 200);
    });
}
