'use client';
import { endpoints } from '@/lib/api/endpoints';
import type { SourceSummary } from '@/lib/api/schemas';
import { useEndpoints } from '@/lib/client/queries';
import { formatCount, formatDurationNs } from '@/lib/viz/format';
import styles from './Syscalls.module.css';

/** What a kind of source can see of syscalls, for reading their counts side by side. */
const SCOPE: Record<string, string> = {
  strace: 'the traced process tree only (strace -f), from attach to exit',
  'perf-tracepoints': 'every process on the host (system-wide tracepoints), perf itself excluded when recorded with --exclude-perf',
  ftrace: 'every process on the host (tracefs events)',
  'trace-cmd': 'every process on the host (tracefs events)',
};

/**
 * One host's syscall sources side by side: calls per syscall in each, for one process name or
 * all, with what each source can see. Counts agree where the sources overlap (the same process,
 * the same run); where they do not, the scope and time span say why.
 */
export function SourceComparison({ captureId, node, sources, comm }: { captureId: string; node: string; sources: SourceSummary[]; comm?: string }) {
  const answers = useEndpoints(
    endpoints.syscalls,
    sources.map((s) => ({ params: { id: captureId, node }, query: { source: s.name, comm }, key: [s.version] })),
  );
  const rows = new Map<string, (number | null)[]>();
  answers.forEach((a, k) => {
    for (const r of a.data ?? []) {
      let row = rows.get(r.name);
      if (!row) rows.set(r.name, (row = sources.map(() => null)));
      row[k] = r.calls;
    }
  });
  const names = [...rows.entries()].sort((a, b) => Math.max(...b[1].map((x) => x ?? 0)) - Math.max(...a[1].map((x) => x ?? 0)) || (a[0] < b[0] ? -1 : 1)).slice(0, 60);
  const inFlight = answers.map((a) => (a.data ?? []).reduce((n, r) => n + r.inFlight, 0));
  return (
    <div data-testid="source-comparison">
      <ul className="muted" style={{ fontSize: 12, margin: '4px 0 8px', paddingLeft: 18 }}>
        {sources.map((s, k) => (
          <li key={s.name}>
            <span className="mono">{s.name}</span> ({s.kind}): {SCOPE[s.kind] ?? 'what its parser decoded'}; {formatDurationNs(s.endNs - s.startNs)} recorded from {s.clock === 'epoch' ? new Date(s.startNs / 1e6).toISOString().replace('T', ' ').slice(0, 23) + ' UTC' : `${(s.startNs / 1e9).toFixed(3)} s after boot`}
            {(inFlight[k] ?? 0) > 0 ? `; ${inFlight[k]} call(s) already running at its start, counted apart` : ''}.
          </li>
        ))}
        <li>
          Counts agree where sources overlap: the same process{comm ? '' : ' (pick one above: system-wide sources also hold every other process)'} during the same run. Sources recorded one after another,
          or over different spans, count different work; a call that forks counts once (in its parent).
        </li>
        <li>
          Process names: tracefs and trace-cmd print each task&apos;s latest name, so the calls a forked shell makes before exec count under the program it becomes;
          perf and strace name them as they happened (under the shell). strace also slows what it traces (ptrace), which can change how I/O splits into calls (more, shorter reads from a pipe).
        </li>
      </ul>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>syscall</th>
            {sources.map((s) => (
              <th key={s.name}>
                calls · <span className="mono">{s.name}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map(([name, counts]) => (
            <tr key={name}>
              <td className="mono">{name}</td>
              {counts.map((c, k) => (
                <td key={k}>{c === null ? '–' : formatCount(c)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.size > names.length && <p className="muted">{rows.size - names.length} more syscalls not shown.</p>}
    </div>
  );
}
