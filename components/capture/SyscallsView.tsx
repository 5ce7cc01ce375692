'use client';
import type { ViewState } from '@/lib/api/view-state';
import { endpoints } from '@/lib/api/endpoints';
import type { ClusterSyscallHeatmap, NodeSyscallHeatmap } from '@/lib/api/schemas';
import { useEndpoint, useHeatmap } from '@/lib/client/queries';
import { useWidth } from '@/lib/client/use-width';
import { ClusterSyscalls } from '../syscalls/ClusterSyscalls';
import { LatencyMap, SyscallTimeMap } from '../syscalls/NodeSyscallMaps';
import { SourceComparison } from '../syscalls/SourceComparison';
import { SyscallTable } from '../syscalls/SyscallTable';
import { SourcePicker } from '../ui/SourcePicker';
import { shiftOf, withNode, type CaptureViewProps } from '@/lib/client/view-state';
import { hostViews, sourceRange } from '@/lib/viz/hosts';
import styles from './CaptureView.module.css';

/** Syscalls across the cluster (node × syscall), then one node's syscalls over time and latencies. */
export function SyscallsView({ capture, view, setView, selected }: CaptureViewProps) {
  const versions = capture.nodes.flatMap((n) => n.sources.map((x) => x.version)).join(',');
  const clusterMap = useHeatmap(capture.id, { kind: 'syscalls', metric: view.metric }, versions, { keepPrevious: true });
  const cluster = { ...clusterMap, data: clusterMap.data as ClusterSyscallHeatmap | undefined };
  const node = selected.name;
  // The host's range, as times of its syscall source (strace unless another is picked).
  const sys = hostViews(selected, view.kind, view.sysSource[node], shiftOf(view, node)).syscalls;
  const withCalls = selected.sources.filter((x) => x.syscalls > 0);
  const r = sourceRange(view.range[node], sys);
  const range = r === null ? ([0, 0] as [number, number]) : r;
  const source = sys?.source.name;
  const version = sys?.source.version ?? '';
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const buckets = Math.max(20, Math.min(300, Math.floor((width - 130) / 4)));
  const nodeMap = useHeatmap(capture.id, { kind: 'syscalls', node, source, metric: view.metric, buckets, fromNs: range?.[0], toNs: range?.[1] }, version, { keepPrevious: true });
  const perNode = { ...nodeMap, data: nodeMap.data as NodeSyscallHeatmap | undefined };
  const table = useEndpoint(endpoints.syscalls, { id: capture.id, node }, { source, comm: view.comm, fromNs: range?.[0], toNs: range?.[1] }, { key: [version], keepPrevious: true });
  const picked = view.syscall ?? table.data?.[0]?.name;
  const latency = useHeatmap(capture.id, { kind: 'latency', node, source, syscall: picked ?? '', buckets, fromNs: range?.[0], toNs: range?.[1] }, version, { enabled: !!picked, keepPrevious: true });

  return (
    <div ref={ref}>
      <div className={styles.toolbar}>
        <label>
          Colour by{' '}
          <select value={view.metric} onChange={(e) => setView((s) => ({ ...s, metric: e.target.value as ViewState['metric'] }))} data-testid="metric-select">
            <option value="calls">calls</option>
            <option value="errors">errors</option>
            <option value="time">time in syscall</option>
          </select>
        </label>
        <span className="muted">Click a cell to open that node&apos;s timeline with the syscall picked.</span>
      </div>
      <section className="panel">
        <h3>Cluster: syscalls × hosts</h3>
        <p className="muted" style={{ fontSize: 12 }}>
          Each host&apos;s strace log when it has one, else its syscall tracepoints.
        </p>
        {cluster.error ? (
          <p className="error">{(cluster.error as Error).message}</p>
        ) : cluster.data ? (
          <ClusterSyscalls data={cluster.data} metric={view.metric} onOpen={(n, sc) => setView((s) => ({ ...s, node: n, syscall: sc, view: 'timeline' }))} />
        ) : (
          <p className="muted">loading…</p>
        )}
      </section>
      <section className="panel" style={{ marginTop: 14 }}>
        <h3>
          <span className="mono">{node}</span>: syscalls over time{view.range[node] ? ' (selected range)' : ''}
        </h3>
        <div className={styles.toolbar}>
          <label>
            Host{' '}
            <select value={node} onChange={(e) => setView((s) => ({ ...s, node: e.target.value }))}>
              {capture.nodes.map((n) => (
                <option key={n.name}>{n.name}</option>
              ))}
            </select>
          </label>
          <label title="Only the syscalls of threads with this process name (comm), e.g. to compare a workload across sources">
            Process{' '}
            <input
              type="search"
              placeholder="all processes"
              defaultValue={view.comm ?? ''}
              key={view.comm ?? ''}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  const comm = e.currentTarget.value.trim() || undefined;
                  setView((s) => ({ ...s, comm }));
                }
              }}
              onBlur={(e) => {
                const comm = e.currentTarget.value.trim() || undefined;
                if (comm !== view.comm) setView((s) => ({ ...s, comm }));
              }}
              aria-label="process name"
              data-testid="syscall-comm"
              style={{ width: 140 }}
            />
          </label>
          <SourcePicker sources={withCalls} value={source} onChange={(v) => setView((s) => ({ ...s, sysSource: withNode(s.sysSource, node, v) }))} testId="syscall-source" />
        </div>
        {perNode.data && perNode.data.rows.length > 0 ? (
          <SyscallTimeMap data={perNode.data} width={width - 24} picked={picked} onPick={(name) => setView((s) => ({ ...s, syscall: name }))} />
        ) : (
          <p className="muted">{perNode.isLoading ? 'loading…' : 'No syscalls on this host.'}</p>
        )}
        {latency.data && latency.data.calls > 0 && <LatencyMap data={latency.data} width={width - 24} caption={`${latency.data.syscall}: ${latency.data.calls} calls with a duration`} />}
        {table.data && table.data.length > 0 && <SyscallTable rows={table.data} picked={picked} onPick={(name) => setView((s) => ({ ...s, syscall: name }))} />}
        {table.data && table.data.length === 0 && view.comm && <p className="muted">No syscalls of processes named {view.comm} in this source.</p>}
      </section>
      {withCalls.length > 1 && (
        <section className="panel" style={{ marginTop: 14 }}>
          <h3>
            <span className="mono">{node}</span>: its syscall sources side by side{view.comm ? ` (process ${view.comm})` : ''}
          </h3>
          <SourceComparison captureId={capture.id} node={node} sources={withCalls} comm={view.comm} />
        </section>
      )}
    </div>
  );
}
