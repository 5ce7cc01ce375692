'use client';
import type { z } from 'zod';
import { endpointPath, type Endpoint, type ParamsOf } from '../api/endpoints';
import { ErrorBody } from '../api/schemas';
import { authHeaders } from './auth';

/** An API failure with the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function readError(res: Response): Promise<ApiError> {
  const body = ErrorBody.safeParse(await res.json().catch(() => null));
  return body.success ? new ApiError(res.status, body.data.error.code, body.data.error.message) : new ApiError(res.status, 'http_error', `HTTP ${res.status}`);
}

/** GET a JSON endpoint and validate the answer against its schema. */
export async function fetchJson<S extends z.ZodType>(url: string, schema: S, init?: RequestInit): Promise<z.infer<S>> {
  const res = await fetch(url, init);
  if (!res.ok) throw await readError(res);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `unexpected answer from ${url}`);
  return parsed.data;
}

/** Sends a JSON body to an endpoint of the table, with this browser's token for the capture, and validates the answer. */
export async function sendJson<E extends Endpoint & { response: z.ZodType; body: z.ZodType }>(endpoint: E, params: ParamsOf<E>, body: z.input<E['body']>): Promise<z.output<E['response']>> {
  return fetchJson(endpointPath(endpoint, params), endpoint.response, {
    method: endpoint.method,
    headers: { 'content-type': 'application/json', ...authHeaders((params as { id?: string }).id) },
    body: JSON.stringify(body),
  }) as Promise<z.output<E['response']>>;
}

/** Calls an endpoint that answers no content (DELETE), with this browser's token for the capture. */
export async function sendEmpty<E extends Endpoint>(endpoint: E, params: ParamsOf<E>): Promise<void> {
  const res = await fetch(endpointPath(endpoint, params), { method: endpoint.method, headers: authHeaders((params as { id?: string }).id) });
  if (!res.ok) throw await readError(res);
}
