/**
 * The HTTP API as one table: each endpoint's method, path, path parameters, query, body and
 * response. Route handlers are written against it (lib/server/route.ts checks what they return),
 * the browser's URLs and hooks come from it (lib/client), and the API tests validate answers
 * with it. Paths use Next.js's `[param]` segments, so a route file sits at the endpoint's path.
 */
import { z } from 'zod';
import {
  Capture,
  CaptureList,
  CaptureParams,
  ClusterSyscallHeatmap,
  ClusterSandwichQuery,
  FlameChartAnswer,
  FlameChartQuery,
  CompareQuery,
  CreateCaptureBody,
  CreateCaptureResponse,
  DiffQuery,
  DiffTree,
  FetchBody,
  FetchJobAnswer,
  FlameQuery,
  FlameTree,
  HeatmapQuery,
  LatencyHeatmap,
  ListQuery,
  NewTokenBody,
  RenameCaptureBody,
  SourceParams,
  SourceSummary,
  TokenList,
  TokenParams,
  UploadToken,
  MergedFlame,
  MergedQuery,
  NodeParams,
  NodeSummary,
  NodeSyscallHeatmap,
  Ranking,
  RunqHeatmap,
  SchedQuery,
  NodeSchedLatency,
  ClusterSchedLatency,
  SyscallQuery,
  ThreadQuery,
  ThreadView,
  SourceName,
  StackQuery,
  SandwichQuery,
  ExportQuery,
  FunctionTable,
  ClusterFunctionTable,
  SubsecondHeatmap,
  SyscallRows,
  Timeline,
  TimelineQuery,
  UploadQuery,
  IngestAnswer,
  IngestQuery,
} from './schemas';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an endpoint answers: JSON validated by a schema, or a body of another kind. */
export type ResponseKind = z.ZodType | 'text' | 'bytes' | 'stream' | 'empty';

/**
 * Who may call an endpoint when the server has a token (TRACEFLEET_TOKEN): `open` to anyone
 * (reading a capture: its unguessable id is the capability), `capture` to the server's token or
 * an upload token of the capture in the path, `server` to the server's token only.
 */
export type Access = 'open' | 'capture' | 'server';

export interface Endpoint {
  readonly method: Method;
  readonly access: Access;
  readonly path: string;
  readonly params: z.ZodObject;
  readonly query?: z.ZodType;
  /** A JSON body schema, or `stream` for a raw upload read as it arrives. */
  readonly body?: z.ZodType | 'stream';
  readonly response: ResponseKind;
  /** Success status (200 unless said). */
  readonly status?: number;
}

const E = <T extends Endpoint>(e: T): T => e;
const NoParams = z.object({});
const SourceQuery = z.object({ source: SourceName.optional() });

export const Heatmap = z.union([SubsecondHeatmap, ClusterSyscallHeatmap, NodeSyscallHeatmap, LatencyHeatmap, RunqHeatmap]);
export type Heatmap = z.infer<typeof Heatmap>;

export const endpoints = {
  // Listing every capture needs the server's token; `?ids=` lists the ones a browser knows.
  listCaptures: E({ method: 'GET', access: 'open', path: '/api/captures', params: NoParams, query: ListQuery, response: CaptureList }),
  createCapture: E({ method: 'POST', access: 'server', path: '/api/captures', params: NoParams, body: CreateCaptureBody, response: CreateCaptureResponse, status: 201 }),
  capture: E({ method: 'GET', access: 'open', path: '/api/captures/[id]', params: CaptureParams, response: Capture }),
  renameCapture: E({ method: 'PATCH', access: 'capture', path: '/api/captures/[id]', params: CaptureParams, body: RenameCaptureBody, response: Capture }),
  deleteCapture: E({ method: 'DELETE', access: 'capture', path: '/api/captures/[id]', params: CaptureParams, response: 'empty', status: 204 }),
  events: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/events', params: CaptureParams, response: 'stream' }),
  tokens: E({ method: 'GET', access: 'server', path: '/api/captures/[id]/tokens', params: CaptureParams, response: TokenList }),
  newToken: E({ method: 'POST', access: 'server', path: '/api/captures/[id]/tokens', params: CaptureParams, body: NewTokenBody, response: UploadToken, status: 201 }),
  revokeToken: E({ method: 'DELETE', access: 'capture', path: '/api/captures/[id]/tokens/[token]', params: TokenParams, response: 'empty', status: 204 }),
  node: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]', params: NodeParams, response: NodeSummary }),
  putNode: E({ method: 'PUT', access: 'capture', path: '/api/captures/[id]/nodes/[node]', params: NodeParams, query: UploadQuery, body: 'stream', response: SourceSummary, status: 201 }),
  deleteNode: E({ method: 'DELETE', access: 'capture', path: '/api/captures/[id]/nodes/[node]', params: NodeParams, response: 'empty', status: 204 }),
  source: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/sources/[source]', params: SourceParams, response: SourceSummary }),
  putSource: E({ method: 'PUT', access: 'capture', path: '/api/captures/[id]/nodes/[node]/sources/[source]', params: SourceParams, query: UploadQuery, body: 'stream', response: SourceSummary, status: 201 }),
  deleteSource: E({ method: 'DELETE', access: 'capture', path: '/api/captures/[id]/nodes/[node]/sources/[source]', params: SourceParams, response: 'empty', status: 204 }),
  fetchNode: E({ method: 'POST', access: 'capture', path: '/api/captures/[id]/nodes/[node]/fetch', params: NodeParams, body: FetchBody, response: SourceSummary, status: 201 }),
  fetchLater: E({ method: 'POST', access: 'capture', path: '/api/captures/[id]/nodes/[node]/fetch-later', params: NodeParams, body: FetchBody, response: FetchJobAnswer, status: 202 }),
  raw: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/raw', params: NodeParams, query: SourceQuery, response: 'bytes' }),
  folded: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/folded', params: NodeParams, query: StackQuery, response: 'text' }),
  sandwich: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/sandwich', params: NodeParams, query: SandwichQuery, response: FlameTree }),
  functions: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/functions', params: NodeParams, query: StackQuery, response: FunctionTable }),
  flameChart: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/flamechart', params: NodeParams, query: FlameChartQuery, response: FlameChartAnswer }),
  clusterSandwich: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/sandwich', params: CaptureParams, query: ClusterSandwichQuery, response: FlameTree }),
  clusterFunctions: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/functions', params: CaptureParams, query: CompareQuery, response: ClusterFunctionTable }),
  exportNode: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/export', params: NodeParams, query: ExportQuery, response: 'bytes' }),
  flamegraph: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/flamegraph', params: NodeParams, query: FlameQuery, response: FlameTree }),
  syscalls: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/syscalls', params: NodeParams, query: SyscallQuery, response: SyscallRows }),
  schedLatency: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/schedlat', params: NodeParams, query: SchedQuery, response: NodeSchedLatency }),
  thread: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/thread', params: NodeParams, query: ThreadQuery, response: ThreadView }),
  timeline: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/nodes/[node]/timeline', params: NodeParams, query: TimelineQuery, response: Timeline }),
  heatmap: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/heatmap', params: CaptureParams, query: HeatmapQuery, response: Heatmap }),
  diff: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/diff', params: CaptureParams, query: DiffQuery, response: DiffTree }),
  clusterSchedLatency: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/schedlat', params: CaptureParams, query: SchedQuery, response: ClusterSchedLatency }),
  ranking: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/ranking', params: CaptureParams, query: CompareQuery, response: Ranking }),
  merged: E({ method: 'GET', access: 'open', path: '/api/captures/[id]/flamegraph', params: CaptureParams, query: MergedQuery, response: MergedFlame }),
  // Pyroscope's push API: the capture is found by the app's name (made when absent), so
  // creating one needs the server's token, as POST /api/captures does.
  ingest: E({ method: 'POST', access: 'server', path: '/api/ingest', params: NoParams, query: IngestQuery, body: 'stream', response: IngestAnswer }),
  // The agent each host pipes into sh (README "Capture a cluster").
  agent: E({ method: 'GET', access: 'open', path: '/agent.sh', params: NoParams, response: 'text' }),
} as const;

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;

/** Path parameters named by `[name]` segments of a path. */
export type PathParams<P extends string> = P extends `${string}[${infer Name}]${infer Rest}` ? { [K in Name | keyof PathParams<Rest>]: string } : Record<never, string>;

export type ParamsOf<E extends Endpoint> = z.output<E['params']>;
/** The query as the handler sees it (decoded) and as a caller writes it (the same, before encoding). */
export type QueryOf<E extends Endpoint> = E['query'] extends z.ZodType ? z.output<E['query']> : undefined;
export type BodyOf<E extends Endpoint> = E['body'] extends 'stream' ? ReadableStream<Uint8Array> | null : E['body'] extends z.ZodType ? z.output<E['body']> : undefined;
export type ResponseOf<E extends Endpoint> = E['response'] extends z.ZodType ? z.output<E['response']> : never;

/** The path of an endpoint with its parameters filled in (each one URI-encoded). */
export function endpointPath<E extends Endpoint>(endpoint: E, params: ParamsOf<E>): string {
  return endpoint.path.replace(/\[(\w+)\]/g, (_, name: string) => {
    const value = (params as Record<string, unknown>)[name];
    if (typeof value !== 'string') throw new Error(`missing path parameter ${name} for ${endpoint.path}`);
    return encodeURIComponent(value);
  });
}

/**
 * The URL of an endpoint: its path, and its query encoded by the query schema's codecs (frame
 * paths joined with `;`, flags as `1`, selections as text), leaving out absent values.
 */
export function endpointUrl<E extends Endpoint>(endpoint: E, params: ParamsOf<E>, query?: QueryOf<E>): string {
  const path = endpointPath(endpoint, params);
  if (!query || !endpoint.query) return path;
  const encoded = z.encode(endpoint.query as z.ZodType<unknown, unknown>, query) as Record<string, unknown>;
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(encoded)) if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

/** The share link of a capture's page. */
export const captureUrl = (id: string): string => `/c/${id}`;
