'use client';
import { endpoints } from '@/lib/api/endpoints';
import type { HostLatency, RunqCauseName } from '@/lib/api/schemas';
import { useEndpoint, useHeatmap } from '@/lib/client/queries';
import { useWidth } from '@/lib/client/use-width';
import { shiftOf, withNode, type CaptureViewProps } from '@/lib/client/view-state';
import { formatCount, formatDurationNs } from '@/lib/viz/format';
import { hostViews, sourceRange } from '@/lib/viz/hosts';
import { LatencyMap } from '../syscalls/NodeSyscallMaps';
import { ThreadLanes } from './ThreadLanes';
import { SourcePicker } from '../ui/SourcePicker';
import tableStyles from '../syscalls/Syscalls.module.css';
import styles from '../capture/CaptureView.module.css';

const CAUSES: [RunqCauseName | '', string][] = [
  ['', 'every cause'],
  ['wakeup', 'woken (sched_wakeup)'],
  ['waking', 'woken (sched_waking)'],
  ['wakeup_new', 'new task (sched_wakeup_new)'],
  ['preempted', 'preempted (switched out runnable)'],
];

const ns = (v: number | null) => (v === null ? '–' : formatDurationNs(v));

/** Header cells of a latency row: count and percentiles. */
function LatencyHead() {
  return (
    <>
      <th>waits</th>
      <th>p50</th>
      <th>p90</th>
      <th>p99</th>
      <th>max</th>
    </>
  );
}

function LatencyCells({ l }: { l: Pick<HostLatency, 'count' | 'p50Ns' | 'p90Ns' | 'p99Ns' | 'maxNs'> }) {
  return (
    <>
      <td>{formatCount(l.count)}</td>
      <td>{ns(l.p50Ns)}</td>
      <td>{ns(l.p90Ns)}</td>
      <td>{ns(l.p99Ns)}</td>
      <td>{ns(l.maxNs)}</td>
    </>
  );
}

/** What a host's latency figures can and cannot say. */
function caveats(h: HostLatency): string[] {
  const out: string[] = [];
  if (!h.hasWakeups) out.push('This source has no wakeup events (sched:sched_wakeup or sched_waking were not recorded): only the waits of preempted tasks are measured.');
  if (h.inferred > 0)
    out.push(`${formatCount(h.inferred)} of ${formatCount(h.count)} waits end at the task's first record, because the switch that ran it was not traced (some kernels do not trace switches from idle): those are upper bounds.`);
  return out;
}

/**
 * Scheduler latency: how long tasks waited to run once runnable (woken, or preempted), for the
 * cluster (host × percentile), one host over time (log-latency heatmap) and per task; and one
 * thread's wall clock (on CPU, off CPU by state, in syscalls) on one time axis.
 */
export function SchedView({ capture, view, setView, selected }: CaptureViewProps) {
  const node = selected.name;
  const versions = capture.nodes.flatMap((n) => n.sources.map((x) => x.version)).join(',');
  const cluster = useEndpoint(endpoints.clusterSchedLatency, { id: capture.id }, { cause: view.cause }, { key: [versions], keepPrevious: true });
  const sched = hostViews(selected, view.kind, view.sysSource[node], shiftOf(view, node), view.schedSource[node]).sched;
  const withSlices = selected.sources.filter((s) => s.slices > 0);
  const source = sched?.source.name;
  const version = sched?.source.version ?? '';
  const r = sourceRange(view.range[node], sched);
  const range = r === null ? ([0, 0] as [number, number]) : r;
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const buckets = Math.max(20, Math.min(300, Math.floor((width - 130) / 4)));
  const q = { source, cause: view.cause, fromNs: range?.[0], toNs: range?.[1] };
  const host = useEndpoint(endpoints.schedLatency, { id: capture.id, node }, q, { key: [version], keepPrevious: true, enabled: !!source });
  const heat = useHeatmap(capture.id, { kind: 'runq', node, buckets, ...q }, version, { keepPrevious: true, enabled: !!source });
  const thread = useEndpoint(endpoints.thread, { id: capture.id, node }, { source, tid: view.tid, fromNs: range?.[0], toNs: range?.[1] }, { key: [version], keepPrevious: true, enabled: !!source });

  return (
    <div ref={ref}>
      <div className={styles.toolbar}>
        <label>
          Waits{' '}
          <select value={view.cause ?? ''} onChange={(e) => setView((s) => ({ ...s, cause: (e.target.value || undefined) as RunqCauseName | undefined }))} data-testid="cause-select">
            {CAUSES.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Scheduler latency: from becoming runnable (woken, or preempted while runnable) to running.</span>
      </div>
      <section className="panel">
        <h3>Cluster: scheduler latency by host</h3>
        {cluster.error ? (
          <p className="error">{cluster.error.message}</p>
        ) : !cluster.data ? (
          <p className="muted">loading…</p>
        ) : (
          <table className={tableStyles.table} data-testid="sched-cluster">
            <thead>
              <tr>
                <LatencyHead />
                <th>woken / preempted</th>
                <th>host</th>
              </tr>
            </thead>
            <tbody>
              {cluster.data.nodes.map(({ node: n, source: src, latency: l }) => (
                <tr key={n} className={n === node ? tableStyles.picked : ''} onClick={() => setView((s) => ({ ...s, node: n, tid: undefined }))} style={{ cursor: 'pointer' }} data-node={n}>
                  {l ? (
                    <>
                      <LatencyCells l={l} />
                      <td title={l.hasWakeups ? undefined : 'no wakeup events in this source'}>
                        {formatCount(l.causes.wakeup + l.causes.waking + l.causes.wakeup_new)} / {formatCount(l.causes.preempted)}
                        {l.hasWakeups ? '' : ' *'}
                      </td>
                    </>
                  ) : (
                    <td colSpan={6} className="muted">
                      no context switches recorded
                    </td>
                  )}
                  <td className="mono">
                    {n}
                    {src ? <span className="muted"> · {src}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cluster.data?.nodes.some((n) => n.latency && !n.latency.hasWakeups) && <p className="muted">* no wakeup events in that source: only preempted tasks&apos; waits are measured.</p>}
      </section>

      <section className="panel" style={{ marginTop: 14 }}>
        <h3>
          <span className="mono">{node}</span>: scheduler latency over time{view.range[node] ? ' (selected range)' : ''}
        </h3>
        <div className={styles.toolbar}>
          <label>
            Host{' '}
            <select value={node} onChange={(e) => setView((s) => ({ ...s, node: e.target.value, tid: undefined }))} data-testid="sched-host">
              {capture.nodes.map((n) => (
                <option key={n.name}>{n.name}</option>
              ))}
            </select>
          </label>
          <SourcePicker sources={withSlices} value={source} onChange={(v) => setView((s) => ({ ...s, schedSource: withNode(s.schedSource, node, v), tid: undefined }))} testId="sched-source" />
        </div>
        {!source ? (
          <p className="muted">No context switches on this host: record sched:sched_switch and sched:sched_wakeup (perf record -e, or tracefs events) to see scheduler latency.</p>
        ) : (
          <>
            {host.data && caveats(host.data.host).map((c) => <p key={c} className="muted" data-testid="sched-caveat">{c}</p>)}
            {heat.data && heat.data.calls > 0 ? (
              <LatencyMap data={heat.data} width={width - 24} caption={`${formatCount(heat.data.calls)} waits to run, by when the task became runnable`} what="waits" testId="runq-heatmap" />
            ) : (
              <p className="muted">{heat.isLoading ? 'loading…' : 'No waits to run in this selection.'}</p>
            )}
            {host.data && host.data.tasks.length > 0 && (
              <table className={tableStyles.table} data-testid="sched-tasks" style={{ marginTop: 10 }}>
                <thead>
                  <tr>
                    <LatencyHead />
                    <th title="waits that end at the task's first record (the switch in was not traced): upper bounds">inferred</th>
                    <th>task</th>
                  </tr>
                </thead>
                <tbody>
                  {host.data.tasks.slice(0, 200).map((t) => (
                    <tr key={t.tid} className={t.tid === view.tid ? tableStyles.picked : ''} onClick={() => setView((s) => ({ ...s, tid: t.tid }))} style={{ cursor: 'pointer' }} data-tid={t.tid}>
                      <LatencyCells l={t} />
                      <td>{t.inferred || ''}</td>
                      <td className="mono">{t.task}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {host.data && host.data.tasks.length + host.data.more > 200 && <p className="muted">{host.data.tasks.length + host.data.more - 200} more tasks (worst p99 first).</p>}
          </>
        )}
      </section>

      {source && (
        <section className="panel" style={{ marginTop: 14 }}>
          <h3>
            Thread wall clock · <span className="mono">{node}</span>
          </h3>
          {thread.error ? (
            <p className="error">{thread.error.message}</p>
          ) : !thread.data ? (
            <p className="muted">loading…</p>
          ) : (
            <>
              <div className={styles.toolbar}>
                <label>
                  Thread{' '}
                  <select value={thread.data.thread?.tid ?? ''} onChange={(e) => setView((s) => ({ ...s, tid: Number(e.target.value) || undefined }))} data-testid="thread-select">
                    {thread.data.threads.map((t) => (
                      <option key={t.tid} value={t.tid}>
                        {t.comm}-{t.tid} · {formatDurationNs(t.onCpuNs)} on CPU, {formatDurationNs(t.offCpuNs)} off
                      </option>
                    ))}
                  </select>
                </label>
                {thread.data.more > 0 && <span className="muted">{thread.data.more} more threads (least time accounted)</span>}
              </div>
              {thread.data.thread ? <ThreadLanes data={thread.data.thread} width={width - 24} /> : <p className="muted">No such thread in this source.</p>}
            </>
          )}
        </section>
      )}
    </div>
  );
}
