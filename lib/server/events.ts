import type { z } from 'zod';
import type { endpoints, ResponseOf } from '../api/endpoints';
import type { HeatmapQuery, RangeQuery, TimelineQuery } from '../api/schemas';
import { latencyHeatmap, subsecondHeatmap, syscallMatrix, syscallTimeHeatmap } from '../profile/heatmap';
import { syscallSummary } from '../profile/syscalls';
import { timeline } from '../profile/timeline';
import { getCapture, loadProfile } from './profiles';

type Params = { id: string };
type NodeParams = { id: string; node: string };

/** GET …/nodes/{node}/syscalls: strace -c's table for the node (or a time range of it). */
export async function nodeSyscalls(p: NodeParams, q: z.output<typeof RangeQuery>): Promise<ResponseOf<typeof endpoints.syscalls>> {
  return syscallSummary((await loadProfile(p.id, p.node)).profile, q);
}

/** GET …/nodes/{node}/timeline: activity over time. */
export async function nodeTimeline(p: NodeParams, q: z.output<typeof TimelineQuery>): Promise<ResponseOf<typeof endpoints.timeline>> {
  return timeline((await loadProfile(p.id, p.node)).profile, q);
}

/** GET …/heatmap: subsecond offsets of a node, node × syscall for the capture, syscall × time or latency of a node. */
export async function heatmap(p: Params, q: z.output<typeof HeatmapQuery>): Promise<ResponseOf<typeof endpoints.heatmap>> {
  switch (q.kind) {
    case 'subsecond': {
      const { profile } = await loadProfile(p.id, q.node);
      return { kind: 'subsecond', node: q.node, ...subsecondHeatmap(profile, { event: q.event, rows: q.rows }) };
    }
    case 'latency': {
      const { profile } = await loadProfile(p.id, q.node);
      return { kind: 'latency', node: q.node, ...latencyHeatmap(profile, q.syscall, q) };
    }
    case 'syscalls': {
      if (q.node) {
        const { profile } = await loadProfile(p.id, q.node);
        return { kind: 'syscalls', scope: 'node', node: q.node, ...syscallTimeHeatmap(profile, q) };
      }
      const capture = await getCapture(p.id);
      const perNode = await Promise.all(capture.nodes.map(async (n) => syscallSummary((await loadProfile(p.id, n.name)).profile, q)));
      return { kind: 'syscalls', scope: 'cluster', nodes: capture.nodes.map((n) => n.name), ...syscallMatrix(perNode, q.metric) };
    }
  }
}
