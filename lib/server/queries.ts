import { clusterSchedLatency, heatmap, nodeSchedLatency, nodeSyscalls, nodeThread, nodeTimeline } from './events';
import { clusterFunctions, diff, merged, nodeExport, nodeFlamegraph, nodeFolded, nodeFunctions, nodeSandwich, clusterSandwich, nodeFlameChart, ranking } from './flame';

/**
 * The queries that read profiles: each can take long on a big capture, so they run in the
 * query workers (lib/server/pool.ts), never on the thread that answers requests.
 */
export const QUERIES = {
  flamegraph: nodeFlamegraph,
  folded: nodeFolded,
  export: nodeExport,
  functions: nodeFunctions,
  sandwich: nodeSandwich,
  clusterSandwich,
  flameChart: nodeFlameChart,
  clusterFunctions,
  diff,
  ranking,
  merged,
  syscalls: nodeSyscalls,
  timeline: nodeTimeline,
  heatmap,
  schedLatency: nodeSchedLatency,
  clusterSchedLatency,
  thread: nodeThread,
} as const;

export type QueryName = keyof typeof QUERIES;
export type QueryArgs<N extends QueryName> = Parameters<(typeof QUERIES)[N]>;
export type QueryResult<N extends QueryName> = Awaited<ReturnType<(typeof QUERIES)[N]>>;

/** Runs a query here (in a worker, or in the server process when there are no workers). */
export function runHere<N extends QueryName>(name: N, args: QueryArgs<N>): Promise<QueryResult<N>> {
  const fn = QUERIES[name] as unknown as (...a: QueryArgs<N>) => Promise<QueryResult<N>>;
  return fn(...args);
}
