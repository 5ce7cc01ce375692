import type { z } from 'zod';
import type { endpoints, ResponseOf } from '../api/endpoints';
import type { HeatmapQuery, RangeQuery, TimelineQuery } from '../api/schemas';
import { latencyHeatmap, subsecondHeatmap, syscallMatrix, syscallTimeHeatmap } from '../profile/heatmap';
import { syscallSummary } from '../profile/syscalls';
import { timeline } from '../profile/timeline';
import { getCapture, loadSource, loadSources, pickSource } from './profiles';

type Params = { id: string };

/** Most rows of a syscall table. */
export const MAX_TABLE_ROWS = 2000;
type NodeParams = { id: string; node: string };

/** GET …/nodes/{node}/syscalls: strace -c's table for the node (or a time range of it). */
export async function nodeSyscalls(p: NodeParams, q: z.output<typeof RangeQuery>): Promise<ResponseOf<typeof endpoints.syscalls>> {
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
