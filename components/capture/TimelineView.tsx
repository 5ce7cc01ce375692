'use client';
import { endpoints } from '@/lib/api/endpoints';
import { useEndpoint, useHeatmap } from '@/lib/client/queries';
import { useWidth } from '@/lib/client/use-width';
import { Subsecond } from '../heatmap/Subsecond';
import { SyscallTable } from '../syscalls/SyscallTable';
import { ClusterTimeline } from '../timeline/ClusterTimeline';
import { shiftOf, withNode, type CaptureViewProps } from '@/lib/client/view-state';
import { sourceKey } from '@/lib/api/view-state';
import { hostViews, sourceRange } from '@/lib/viz/hosts';
import { FlameChart } from '../flame-chart/FlameChart';
import { NodeFlame } from './NodeFlame';
import styles from './CaptureView.module.css';

/** All hosts on one time axis (a lane per source), then the selected host in detail: subsecond heatmap, flame graph, syscalls. */
export function TimelineView({ capture, view, setView, selected }: CaptureViewProps) {
  const node = selected.name;
  const [heatRef, heatWidth] = useWidth<HTMLDivElement>(400);
  const { stacks, syscalls: sys } = hostViews(selected, view.kind, view.sysSource[node], shiftOf(view, node));
  const heat = useHeatmap(capture.id, { kind: 'subsecond', node, source: stacks?.source.name, event: view.event }, stacks?.source.version ?? '');
  const range = view.range[node];
  const sysRange = sourceRange(range, sys);
  const syscalls = useEndpoint(
    endpoints.syscalls,
    { id: capture.id, node },
    { source: sys?.source.name, fromNs: sysRange === null ? 0 : sysRange?.[0], toNs: sysRange === null ? 0 : sysRange?.[1] },
    { key: [sys?.source.version], keepPrevious: true, enabled: !!sys },
  );
  const hasSyscalls = (syscalls.data?.length ?? 0) > 0;

  return (
    <div>
      <ClusterTimeline
        captureId={capture.id}
        nodes={capture.nodes}
        selected={node}
        ranges={view.range}
        offsets={view.offset}
        onRange={(n, r) => setView((s) => ({ ...s, node: n, range: withNode(s.range, n, r ?? undefined) }))}
        onOffset={(n, o) => setView((s) => ({ ...s, offset: withNode(s.offset, n, o || undefined) }))}
        onSelect={(n) => setView((s) => ({ ...s, node: n }))}
        sourceOffsets={view.sourceOffset}
        onSourceOffset={(n, src, o) => setView((s) => ({ ...s, sourceOffset: withNode(s.sourceOffset, sourceKey(n, src), o || undefined) }))}
      />
      <p className="muted" style={{ margin: '4px 0 0' }}>
        CPU lanes: coloured by the task that ran longest, as busy as its share; <span className={styles.unknownKey}>grey</span> where the capture does not show
        who ran (before a CPU&apos;s first record, after lost records, between records that disagree). A switch to idle leaves the CPU idle until a task&apos;s record
        appears: some kernels do not trace switches from idle.
      </p>
      <div className={styles.detail}>
        <section className="panel" ref={heatRef}>
          <h3>
            Subsecond heatmap · <span className="mono">{node}</span>
            {stacks && selected.sources.length > 1 && <span className="muted"> · {stacks.source.name}</span>}
          </h3>
          {stacks?.source.untimed ? (
            <p className="muted">No time per sample in this source: nothing to place on the subsecond grid.</p>
          ) : heat.error ? (
            <p className="error">{(heat.error as Error).message}</p>
          ) : heat.data ? (
            <Subsecond data={heat.data} width={heatWidth} selection={view.cells[node]} onSelect={(sel) => setView((s) => ({ ...s, cells: withNode(s.cells, node, sel) }))} />
          ) : (
            <p className="muted">loading…</p>
          )}
        </section>
        <NodeFlame
          captureId={capture.id}
          node={selected}
          kind={stacks?.source.kind ?? 'perf'}
          source={stacks?.source}
          placement={stacks}
          selected
          zoom={view.zoom[node] ?? []}
          search={view.search}
          event={view.event}
          range={range}
          cells={view.cells[node]}
          transforms={view.transforms}
          onSelect={() => undefined}
          onZoom={(path) => setView((s) => ({ ...s, zoom: { ...s.zoom, [node]: path } }))}
          onClearRange={() => setView((s) => ({ ...s, range: withNode(s.range, node, undefined) }))}
          onClearCells={() => setView((s) => ({ ...s, cells: withNode(s.cells, node, undefined) }))}
        />
      </div>
      {stacks?.source.untimed && (
        <p className="muted" data-testid="untimed-note" style={{ marginTop: 14 }}>
          {stacks.source.name} ({stacks.source.format}) has no time per sample: the timeline shows it as one span, and its subsecond heatmap and time order say nothing; its flame graph
          and every comparison still hold.
        </p>
      )}
      {stacks && !stacks.source.untimed && (
        <div style={{ marginTop: 14 }}>
          <FlameChart
            captureId={capture.id}
            node={node}
            placement={stacks}
            event={view.event}
            search={view.search}
            range={range}
            thread={view.chartThread}
            onThread={(t) => setView((s) => ({ ...s, chartThread: t }))}
            onRange={(r) => setView((s) => ({ ...s, range: withNode(s.range, node, r) }))}
          />
        </div>
      )}
      {hasSyscalls && (
        <section className="panel" style={{ marginTop: 14 }}>
          <h3>
            Syscalls of <span className="mono">{node}</span>
            {sys && selected.sources.length > 1 ? ` from ${sys.source.name}` : ''}
            {range ? ' in the selected range' : ''} (as strace -c)
          </h3>
          <SyscallTable rows={syscalls.data ?? []} picked={view.syscall} onPick={(name) => setView((s) => ({ ...s, syscall: name }))} />
        </section>
      )}
    </div>
  );
}
