'use client';
import type { ClusterSyscallHeatmap } from '@/lib/api/schemas';
import { formatCount } from '@/lib/viz/format';
import { errorColor, syscallColor } from '@/lib/viz/heat';
import styles from './Syscalls.module.css';

type Metric = 'calls' | 'errors' | 'time';

/**
 * The cluster's syscalls: one row per syscall, one column per node; colour by the chosen
 * metric. A cell opens that node's timeline with the syscall picked.
 */
export function ClusterSyscalls({ data, metric, onOpen, top = 30 }: { data: ClusterSyscallHeatmap; metric: Metric; onOpen: (node: string, syscall: string) => void; top?: number }) {
  const value = (c: { calls: number; errors: number; totalSeconds: number }) => (metric === 'time' ? c.totalSeconds : metric === 'errors' ? c.errors : c.calls);
  const syscalls = data.syscalls.slice(0, top);
  let max = 0;
  for (const row of data.cells) for (let j = 0; j < syscalls.length; j++) max = Math.max(max, value(row[j] as { calls: number; errors: number; totalSeconds: number }));
  if (data.syscalls.length === 0) return <p className="muted">No node in this capture has syscall data (strace, ftrace/trace-cmd raw_syscalls or syscalls:*, perf raw_syscalls tracepoints).</p>;
  return (
    <>
    <table className={styles.matrix} data-testid="cluster-syscalls">
      <thead>
        <tr>
          <th>syscall</th>
          {data.nodes.map((n) => (
            <th key={n} className="mono">
              {n}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {syscalls.map((name, j) => (
          <tr key={name}>
            <th className="mono">{name}</th>
            {data.nodes.map((node, i) => {
              const c = data.cells[i]?.[j] ?? { calls: 0, errors: 0, totalSeconds: 0 };
              const v = value(c);
              const f = max > 0 ? v / max : 0;
              const text = metric === 'time' ? (v > 0 ? `${(v * 1000).toFixed(v < 0.01 ? 3 : 1)} ms` : '') : v > 0 ? formatCount(v) : '';
              return (
                <td key={node}>
                  <button
                    className={styles.cell}
                    style={{ background: v > 0 ? (metric === 'errors' ? errorColor(f) : syscallColor(f)) : 'var(--panel)', color: f > 0.6 ? '#fff' : undefined }}
                    title={`${node} · ${name}: ${c.calls} calls, ${c.errors} errors, ${(c.totalSeconds * 1000).toFixed(3)} ms`}
                    onClick={() => onOpen(node, name)}
                    data-testid="syscall-cell"
                    data-node={node}
                    data-syscall={name}
                  >
                    {text}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
    {data.more > 0 && <p className="muted">… and {data.more} less used syscalls, left out.</p>}
    </>
  );
}
