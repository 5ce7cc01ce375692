import type { z } from 'zod';
import type { endpoints, ResponseOf } from '../api/endpoints';
import type { HeatmapQuery, SchedQuery, SyscallQuery, ThreadQuery, TimelineQuery } from '../api/schemas';
import { latencyHeatmap, runqHeatmap, subsecondHeatmap, syscallMatrix, syscallTimeHeatmap } from '../profile/heatmap';
import { hostLatency, latencyByTask } from '../profile/runq';
import { threadList, threadTimeline } from '../profile/thread';
import { RUNQ_CAUSES } from '../profile/types';
import { syscallSummary } from '../profile/syscalls';
import { timeline } from '../profile/timeline';
import { getCapture, loadSource, loadSources, pickSource } from './profiles';

type Params = { id: string };

/** Most rows of a syscall table. */
export const MAX_TABLE_ROWS = 2000;
type NodeParams = { id: string; node: string };

/** GET …/nodes/{node}/syscalls: strace -c's table for the node (or a time range of it). */
export async function nodeSyscalls(p: NodeParams, q: z.output<typeof SyscallQuery>): Promise<ResponseOf<typeof endpoints.syscalls>> {
  // The busiest rows: a capture that names a million syscalls does not get a million-row answer.
  return syscallSummary((await loadSource(p.id, p.node, q.source, 'syscalls')).profile, q).slice(0, MAX_TABLE_ROWS);
}

/** GET …/nodes/{node}/timeline: activity over time. */
export async function nodeTimeline(p: NodeParams, q: z.output<typeof TimelineQuery>): Promise<ResponseOf<typeof endpoints.timeline>> {
  return timeline((await loadSource(p.id, p.node, q.source, 'stacks')).profile, q);
}

/** GET …/heatmap: subsecond offsets of a node, node × syscall for the capture, syscall × time or latency of a node. */
export async function heatmap(p: Params, q: z.output<typeof HeatmapQuery>): Promise<ResponseOf<typeof endpoints.heatmap>> {
  switch (q.kind) {
    case 'subsecond': {
      const { profile } = await loadSource(p.id, q.node, q.source, 'stacks');
      return { kind: 'subsecond', node: q.node, ...subsecondHeatmap(profile, { event: q.event, rows: q.rows }) };
    }
    case 'latency': {
      const { profile } = await loadSource(p.id, q.node, q.source, 'syscalls');
      return { kind: 'latency', node: q.node, ...latencyHeatmap(profile, q.syscall, q) };
    }
    case 'runq': {
      const { profile } = await loadSource(p.id, q.node, q.source, 'sched');
      return { kind: 'runq', node: q.node, ...runqHeatmap(profile, { ...q, cause: causeOf(q.cause) }) };
    }
    case 'syscalls': {
      if (q.node) {
        const { profile } = await loadSource(p.id, q.node, q.source, 'syscalls');
        return { kind: 'syscalls', scope: 'node', node: q.node, ...syscallTimeHeatmap(profile, q) };
      }
      // Each host's own syscall source (strace when it has one, else tracepoints).
      const capture = await getCapture(p.id);
      const picks = capture.nodes.map((n) => ({ node: n.name, source: pickSource(capture, n.name, undefined, 'syscalls') }));
      const perNode = (await loadSources(p.id, picks)).map((l) => syscallSummary(l.profile, q));
      return { kind: 'syscalls', scope: 'cluster', nodes: picks.map((n) => n.node), ...syscallMatrix(perNode, q.metric) };
    }
  }
}

const causeOf = (name: (typeof RUNQ_CAUSES)[number] | undefined): number | undefined => (name === undefined ? undefined : RUNQ_CAUSES.indexOf(name));

/** GET …/nodes/{node}/schedlat: the host's scheduler latency, and per task (worst p99 first). */
export async function nodeSchedLatency(p: NodeParams, q: z.output<typeof SchedQuery>): Promise<ResponseOf<typeof endpoints.schedLatency>> {
  const { profile, summary } = await loadSource(p.id, p.node, q.source, 'sched');
  const filter = { fromNs: q.fromNs, toNs: q.toNs, cause: causeOf(q.cause) };
  const tasks = latencyByTask(profile, filter, MAX_TABLE_ROWS);
  return { node: p.node, source: summary.name, host: hostLatency(profile, filter), tasks: tasks.rows, more: tasks.more };
}

/** GET …/schedlat: each host's scheduler latency (node × percentile), from its scheduler source. */
export async function clusterSchedLatency(p: Params, q: z.output<typeof SchedQuery>): Promise<ResponseOf<typeof endpoints.clusterSchedLatency>> {
  const capture = await getCapture(p.id);
  const filter = { fromNs: q.fromNs, toNs: q.toNs, cause: causeOf(q.cause) };
  const nodes: ResponseOf<typeof endpoints.clusterSchedLatency>['nodes'] = [];
  for (const n of capture.nodes) {
    const source = n.sources.some((s) => s.slices > 0) ? pickSource(capture, n.name, undefined, 'sched') : null;
    if (!source) {
      nodes.push({ node: n.name, source: null, latency: null });
      continue;
    }
    const [loaded] = await loadSources(p.id, [{ node: n.name, source }]);
    nodes.push({ node: n.name, source: source.name, latency: loaded ? hostLatency(loaded.profile, filter) : null });
  }
  return { nodes };
}

/** GET …/nodes/{node}/thread: the source's threads, and one thread's wall clock (on CPU, off CPU by state, syscalls). */
export async function nodeThread(p: NodeParams, q: z.output<typeof ThreadQuery>): Promise<ResponseOf<typeof endpoints.thread>> {
  const { profile, summary } = await loadSource(p.id, p.node, q.source, 'sched');
  const { threads, more } = threadList(profile);
  const tid = q.tid ?? threads[0]?.tid;
  return { node: p.node, source: summary.name, threads, more, thread: tid === undefined ? null : threadTimeline(profile, tid, q) };
}
