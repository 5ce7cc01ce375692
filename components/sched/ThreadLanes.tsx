'use client';
import type { ThreadView } from '@/lib/api/schemas';
import { formatCount, formatDurationNs } from '@/lib/viz/format';

type Thread = NonNullable<ThreadView['thread']>;

const LABEL_W = 80;
const LANE_H = 18;
const STATE_COLORS: Record<string, string> = { S: '#60a5fa', D: '#ef4444', R: '#f59e0b', 'R+': '#f59e0b' };
const CPU_COLORS = ['#16a34a', '#0d9488', '#65a30d', '#059669', '#15803d', '#4d7c0f'];
const STATE_NAMES: Record<string, string> = { S: 'sleeping', D: 'uninterruptible', R: 'preempted', 'R+': 'preempted', I: 'idle', T: 'stopped', X: 'dead' };

const stateName = (s: string) => `${s} ${STATE_NAMES[s] ?? ''}`.trim();

/**
 * One thread's wall clock on one axis: when it ran (and on which CPU), when it was off CPU and
 * in which state, and which syscalls it was in; ticks for its own records. Hover for details.
 */
export function ThreadLanes({ data, width }: { data: Thread; width: number }) {
  // The thread's own extent inside the asked range, so a short-lived thread fills the width.
  let lo = Infinity;
  let hi = -Infinity;
  const see = (a: number, z: number) => {
    lo = Math.min(lo, a);
    hi = Math.max(hi, z);
  };
  for (const s of data.onCpu) see(s.startNs, s.endNs);
  for (const s of data.offCpu) see(s.startNs, s.endNs);
  for (const s of data.syscalls) see(s.startNs, s.endNs ?? s.startNs);
  for (const t of data.records) see(t, t);
  if (!(hi > lo)) {
    lo = data.fromNs;
    hi = data.toNs;
  }
  lo = Math.max(lo, data.fromNs);
  hi = Math.min(Math.max(hi, lo + 1), data.toNs);
  const span = hi - lo;
  const plotW = Math.max(100, width - LABEL_W - 8);
  const x = (t: number) => LABEL_W + ((Math.min(Math.max(t, lo), hi) - lo) / span) * plotW;
  const w = (a: number, z: number) => Math.max(1, x(z) - x(a));
  const lane = (k: number) => 14 + k * (LANE_H + 6);
  const offTotal = Object.values(data.totals.offCpuNs).reduce((a, b) => a + b, 0);
  const unaccounted = Math.max(0, span - data.totals.onCpuNs - offTotal);

  return (
    <div data-testid="thread-lanes">
      <p style={{ margin: '4px 0 8px' }}>
        <strong className="mono">
          {data.comm}-{data.tid}
        </strong>{' '}
        over {formatDurationNs(span)}: <span data-testid="thread-oncpu">{formatDurationNs(data.totals.onCpuNs)} on CPU</span>
        {Object.entries(data.totals.offCpuNs)
          .sort((a, b) => b[1] - a[1])
          .map(([s, v]) => (
            <span key={s}>
              {' · '}
              <span style={{ color: STATE_COLORS[s] ?? '#6b7280' }}>■</span> {formatDurationNs(v)} off CPU {stateName(s)}
            </span>
          ))}
        {unaccounted > 0 && <span className="muted"> · {formatDurationNs(unaccounted)} not shown by the capture (before its first record, after its last)</span>}
        {' · '}
        {formatDurationNs(data.totals.syscallNs)} in {formatCount(data.totals.syscalls)} syscalls
      </p>
      {data.truncated && <p className="muted">More intervals than one view holds: select a shorter range on the Timeline tab.</p>}
      <svg width={LABEL_W + plotW + 8} height={lane(3) + 16} style={{ display: 'block' }}>
        <text x={4} y={lane(0) + 12} fontSize={11}>
          on CPU
        </text>
        <text x={4} y={lane(1) + 12} fontSize={11}>
          off CPU
        </text>
        <text x={4} y={lane(2) + 12} fontSize={11}>
          syscalls
        </text>
        {data.records.map((t, i) => (
          <line key={i} x1={x(t)} x2={x(t)} y1={2} y2={10} stroke="#9ca3af" strokeWidth={1} />
        ))}
        {data.onCpu.map((s, i) => (
          <rect key={`on${i}`} x={x(s.startNs)} y={lane(0)} width={w(s.startNs, s.endNs)} height={LANE_H} fill={CPU_COLORS[s.cpu % CPU_COLORS.length]} data-testid="lane-oncpu">
            <title>{`on cpu${s.cpu} · ${formatDurationNs(s.startNs)}–${formatDurationNs(s.endNs)} (${formatDurationNs(s.endNs - s.startNs)})`}</title>
          </rect>
        ))}
        {data.offCpu.map((s, i) => (
          <rect
            key={`off${i}`}
            x={x(s.startNs)}
            y={lane(1)}
            width={w(s.startNs, s.endNs)}
            height={LANE_H}
            fill={STATE_COLORS[s.state] ?? '#9ca3af'}
            strokeDasharray={s.inferred ? '2 2' : undefined}
            stroke={s.inferred ? '#374151' : 'none'}
            data-testid="lane-offcpu"
          >
            <title>{`off CPU, ${stateName(s.state)} · ${formatDurationNs(s.endNs - s.startNs)}${s.inferred ? ' (ends at its next record: the switch in was not traced)' : ''}`}</title>
          </rect>
        ))}
        {data.syscalls.map((s, i) => (
          <rect key={`sc${i}`} x={x(s.startNs)} y={lane(2)} width={w(s.startNs, s.endNs ?? hi)} height={LANE_H} fill={s.errno ? '#fca5a5' : '#a78bfa'} opacity={0.85} data-testid="lane-syscall">
            <title>{`${s.name}${s.ret === null ? ' (no return seen)' : ` = ${s.ret}${s.errno ? ` ${s.errno}` : ''}`} · ${s.endNs === null ? 'unfinished' : formatDurationNs(s.endNs - s.startNs)}${s.inFlight ? ' (already running at the capture start: time seen)' : ''}`}</title>
          </rect>
        ))}
        <text x={LABEL_W} y={lane(3) + 12} fontSize={10} fill="#6b7280">
          {formatDurationNs(lo)}
        </text>
        <text x={LABEL_W + plotW} y={lane(3) + 12} fontSize={10} fill="#6b7280" textAnchor="end">
          {formatDurationNs(hi)}
        </text>
      </svg>
    </div>
  );
}
