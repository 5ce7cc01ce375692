'use client';
import { useMemo, useState } from 'react';
import type { SyscallRow } from '@/lib/api/schemas';
import { formatCount } from '@/lib/viz/format';
import styles from './Syscalls.module.css';

type Key = 'name' | 'calls' | 'errors' | 'totalSeconds' | 'avg' | 'maxSeconds' | 'share';
const COLUMNS: [Key, string][] = [
  ['share', '% time'],
  ['totalSeconds', 'seconds'],
  ['avg', 'usecs/call'],
  ['maxSeconds', 'max usecs'],
  ['calls', 'calls'],
  ['errors', 'errors'],
  ['name', 'syscall'],
];

/** `strace -c` as a sortable table. */
export function SyscallTable({ rows, onPick, picked }: { rows: SyscallRow[]; onPick?: (name: string) => void; picked?: string }) {
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: 'totalSeconds', desc: true });
  const total = rows.reduce((a, r) => a + r.totalSeconds, 0);
  const sorted = useMemo(() => {
    const v = (r: SyscallRow, k: Key): number | string =>
      k === 'avg' ? (r.calls ? r.totalSeconds / r.calls : 0) : k === 'share' ? r.totalSeconds : r[k];
    return [...rows].sort((a, b) => {
      const x = v(a, sort.key);
      const y = v(b, sort.key);
      const c = x < y ? -1 : x > y ? 1 : 0;
      return sort.desc ? -c : c;
    });
  }, [rows, sort]);
  const calls = rows.reduce((a, r) => a + r.calls, 0);
  const errors = rows.reduce((a, r) => a + r.errors, 0);
  const inFlight = rows.reduce((a, r) => a + r.inFlight, 0);
  if (rows.length === 0) return <p className="muted">No syscalls in this capture{''}.</p>;
  return (
    <table className={styles.table} data-testid="syscall-table">
      <thead>
        <tr>
          {COLUMNS.map(([key, label]) => (
            <th key={key} onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'name' }))} className={styles.sortable} aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              {label}
              {sort.key === key ? (sort.desc ? ' ▾' : ' ▴') : ''}
            </th>
          ))}
          {inFlight > 0 && <th title="Already running when the capture started (a return without its entry): not counted in calls; the time seen, from the capture's start to the return, is a lower bound">in flight at start</th>}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={r.name} className={picked === r.name ? styles.picked : ''} onClick={() => onPick?.(r.name)} style={{ cursor: onPick ? 'pointer' : undefined }}>
            <td>{total > 0 ? ((100 * r.totalSeconds) / total).toFixed(2) : '0.00'}</td>
            <td>{r.totalSeconds.toFixed(6)}</td>
            <td>{r.calls ? Math.round((1e6 * r.totalSeconds) / r.calls) : 0}</td>
            <td>{Math.round(1e6 * r.maxSeconds)}</td>
            <td>{r.calls}</td>
            <td className={r.errors ? styles.err : ''}>{r.errors || ''}</td>
            <td className="mono">{r.name}</td>
            {inFlight > 0 && <td title={r.inFlight ? `${r.inFlight} call(s) running at the start, seen for ≥ ${r.inFlightSeconds.toFixed(6)} s` : undefined}>{r.inFlight ? `${r.inFlight} (≥ ${r.inFlightSeconds.toFixed(6)} s)` : ''}</td>}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td>100.00</td>
          <td>{total.toFixed(6)}</td>
          <td>{calls ? Math.round((1e6 * total) / calls) : 0}</td>
          <td />
          <td>{formatCount(calls)}</td>
          <td>{errors || ''}</td>
          <td>total</td>
          {inFlight > 0 && <td data-testid="in-flight-total">{inFlight}</td>}
        </tr>
      </tfoot>
    </table>
  );
}
