'use client';
import { useMemo, useState } from 'react';
import { endpoints } from '@/lib/api/endpoints';
import type { FunctionRow, SourceKind } from '@/lib/api/schemas';
import { useEndpoint } from '@/lib/client/queries';
import type { CaptureViewProps } from '@/lib/client/view-state';
import { formatCount, formatDurationNs, formatPercent } from '@/lib/viz/format';
import styles from './Functions.module.css';

type Props = Omit<CaptureViewProps, 'selected'> & { kind: SourceKind; filter: string };
type SortKey = 'self' | 'total' | 'selfSamples' | 'name';

/** Most hosts shown as share columns; past it the table keeps the cluster's figures only. */
const MAX_HOST_COLUMNS = 32;

/**
 * The cluster's top functions (every host of the source kind summed): self and total, value and
 * share, sample counts, and each host's self share as a shaded cell, sortable and filtered by
 * the search box. A function's name opens the flame graphs searching for it.
 */
export function FunctionsView({ capture, view, setView, kind, filter }: Props) {
  const versions = capture.nodes.flatMap((n) => n.sources.map((x) => x.version)).join(',');
  const { data, error } = useEndpoint(endpoints.clusterFunctions, { id: capture.id }, { kind, event: view.event }, { key: [versions], keepPrevious: true });
  const [sort, setSort] = useState<SortKey>('self');
  const rows = useMemo(() => {
    if (!data) return [];
    const needle = filter.toLowerCase();
    const indexed = data.rows.map((r, i) => ({ r, i })).filter(({ r }) => !needle || r.name.toLowerCase().includes(needle));
    const by = (a: FunctionRow, b: FunctionRow) => (sort === 'name' ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : b[sort] - a[sort]);
    return indexed.sort((x, y) => by(x.r, y.r));
  }, [data, filter, sort]);
  if (error) return <p className="error">{(error as Error).message}</p>;
  if (!data) return <p className="muted">loading…</p>;
  const value = (v: number) => (data.unit === 'ns' ? formatDurationNs(v) : formatCount(v));
  const hosts = data.nodes.length <= MAX_HOST_COLUMNS ? data.nodes : [];
  const head = (key: SortKey, label: string, title: string) => (
    <th title={title} aria-sort={sort === key ? 'descending' : 'none'}>
      <button className={styles.sort} onClick={() => setSort(key)} data-testid={`sort-${key}`}>
        {label}
        {sort === key ? ' ▾' : ''}
      </button>
    </th>
  );
  return (
    <section className="panel" data-testid="functions">
      <p className="muted">
        {formatCount(data.rows.length + data.more)} functions in {data.nodes.length} hosts ({kind}
        {view.event ? ` · ${view.event}` : ''}) · total {value(data.total)} in {formatCount(data.totalSamples)} samples
        {data.more > 0 ? ` · the ${formatCount(data.more)} lightest are left out` : ''}
        {data.missing.length > 0 ? ` · no such source on ${data.missing.join(', ')}` : ''}
        {filter ? ` · ${rows.length} match “${filter}”` : ''}
      </p>
      <div className={styles.scroll}>
        <table className={styles.table}>
          <thead>
            <tr>
              {head('name', 'function', 'sort by name')}
              {head('self', 'self', 'the weight of the stacks the function ends (it was running)')}
              <th>self %</th>
              {head('total', 'total', 'the weight of the stacks it is on (recursion counted once)')}
              <th>total %</th>
              {head('selfSamples', 'samples', 'samples the function ends')}
              {hosts.map((h) => (
                <th key={h} className={styles.host} title={`self share of ${h}'s total`}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 500).map(({ r, i }) => (
              <tr key={r.name} data-testid="function-row">
                <td className={styles.name}>
                  <button className={styles.link} onClick={() => setView((s) => ({ ...s, view: 'flame', search: r.name }))} title="show it in every host's flame graph">
                    {r.name}
                  </button>
                </td>
                <td className={styles.num}>{value(r.self)}</td>
                <td className={styles.num}>{formatPercent(r.self, data.total)}</td>
                <td className={styles.num}>{value(r.total)}</td>
                <td className={styles.num}>{formatPercent(r.total, data.total)}</td>
                <td className={styles.num}>{formatCount(r.selfSamples)}</td>
                {hosts.map((h, k) => {
                  const share = data.shares[i]?.[k] ?? 0;
                  return (
                    <td key={h} className={styles.share} style={{ background: `rgba(220, 38, 38, ${Math.min(1, share * 4).toFixed(3)})` }} title={`${h}: ${(share * 100).toFixed(2)} % self`}>
                      {share >= 0.0005 ? (share * 100).toFixed(1) : ''}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > 500 && <p className="muted">the first 500 of {formatCount(rows.length)} rows; search to narrow them</p>}
    </section>
  );
}
