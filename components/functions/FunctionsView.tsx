'use client';
import { useMemo } from 'react';
import { endpoints } from '@/lib/api/endpoints';
import type { FlameNode, FunctionRow, SourceKind } from '@/lib/api/schemas';
import { useEndpoint, useZoomableTree } from '@/lib/client/queries';
import { compileSearch } from '@/lib/util/frame-search';
import { withTransforms, type CaptureViewProps } from '@/lib/client/view-state';
import type { ViewState } from '@/lib/api/view-state';
import { formatCount, formatDurationNs, formatPercent } from '@/lib/viz/format';
import { FlameGraph } from '../flame-graph/FlameGraph';
import { FrameTransforms } from '../capture/TransformBar';
import styles from './Functions.module.css';

type Props = Omit<CaptureViewProps, 'selected'> & { kind: SourceKind; filter: string };
type SortKey = ViewState['fnSort'];

/** Most hosts shown as share columns; past it the table keeps the cluster's figures only. */
const MAX_HOST_COLUMNS = 32;
/** The sandwich's host choice meaning every host summed (as the differential view's `b=cluster`). */
const MERGED = 'cluster';

/**
 * The cluster's top functions (every host of the source kind summed): self and total, value and
 * share, sample counts, and each host's self share as a shaded cell, sortable and filtered by
 * the search box. A function's name opens its sandwich (callers and callees); ⌕ finds it in the flame graphs.
 */
export function FunctionsView({ capture, view, setView, kind, filter }: Props) {
  const versions = capture.nodes.flatMap((n) => n.sources.map((x) => x.version)).join(',');
  const { data, error } = useEndpoint(endpoints.clusterFunctions, { id: capture.id }, { kind, event: view.event, tf: view.transforms.length > 0 ? view.transforms : undefined }, { key: [versions], keepPrevious: true });
  const sort = view.fnSort;
  const setSort = (key: SortKey) => setView((s) => ({ ...s, fnSort: key }));
  const rows = useMemo(() => {
    if (!data) return [];
    const match = filter.trim() ? compileSearch(filter).test : null;
    const indexed = data.rows.map((r, i) => ({ r, i })).filter(({ r }) => !match || match(r.name));
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
                <td className={`${styles.name} ${view.fn === r.name ? styles.chosen : ''}`}>
                  <button className={styles.link} onClick={() => setView((s) => ({ ...s, fn: r.name, callersZoom: [], calleesZoom: [] }))} title="its callers and callees (sandwich)">
                    {r.name}
                  </button>{' '}
                  <button className={styles.find} onClick={() => setView((s) => ({ ...s, view: 'flame', search: r.name }))} title="find it in every host's flame graph" aria-label={`find ${r.name} in the flame graphs`}>
                    ⌕
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
      {view.fn && <SandwichPanel capture={capture} view={view} setView={setView} kind={kind} fn={view.fn} hosts={data.nodes} />}
    </section>
  );
}

/**
 * A function's sandwich on one host: its callers above (the function at the bottom, its callers
 * growing up to the stack roots) and its callees below, each merged over every place it occurs.
 */
function SandwichPanel({ capture, view, setView, kind, fn, hosts }: Omit<Props, 'filter'> & { fn: string; hosts: string[] }) {
  const merged = view.fnHost === MERGED;
  const host = merged ? MERGED : view.fnHost && hosts.includes(view.fnHost) ? view.fnHost : ((hosts.includes(view.node ?? '') ? view.node : hosts[0]) ?? '');
  const node = capture.nodes.find((n) => n.name === host);
  const tf = view.transforms.length > 0 ? view.transforms : undefined;
  const versions = merged ? capture.nodes.flatMap((n) => n.sources.map((x) => x.version)) : (node?.sources.map((x) => x.version) ?? []);
  const key = (enabled: boolean) => ({ key: [versions.join(',')], enabled });
  // One pair of queries per scope (hooks run unconditionally; the other pair is disabled).
  const params = { id: capture.id, node: host };
  const hostCallers = useZoomableTree<typeof endpoints.sandwich, FlameNode>(endpoints.sandwich, params, { fn, side: 'callers', event: view.event, tf }, view.callersZoom, key(!merged && !!node));
  const hostCallees = useZoomableTree<typeof endpoints.sandwich, FlameNode>(endpoints.sandwich, params, { fn, side: 'callees', event: view.event, tf }, view.calleesZoom, key(!merged && !!node));
  const allCallers = useZoomableTree<typeof endpoints.clusterSandwich, FlameNode>(endpoints.clusterSandwich, { id: capture.id }, { kind, fn, side: 'callers', event: view.event, tf }, view.callersZoom, key(merged));
  const allCallees = useZoomableTree<typeof endpoints.clusterSandwich, FlameNode>(endpoints.clusterSandwich, { id: capture.id }, { kind, fn, side: 'callees', event: view.event, tf }, view.calleesZoom, key(merged));
  const callers = merged ? allCallers : hostCallers;
  const callees = merged ? allCallees : hostCallees;
  return (
    <div className={styles.sandwich} data-testid="sandwich">
      <h3>
        <span className={styles.fn}>{fn}</span> on{' '}
        <select value={host} onChange={(e) => setView((s) => ({ ...s, fnHost: e.target.value, callersZoom: [], calleesZoom: [] }))} aria-label="host of the sandwich" data-testid="sandwich-host">
          <option value={MERGED}>all hosts (merged)</option>
          {hosts.map((h) => (
            <option key={h}>{h}</option>
          ))}
        </select>{' '}
        <FrameTransforms name={fn} onAdd={(t) => setView((s) => withTransforms(s, [...s.transforms, t]))} />{' '}
        <button onClick={() => setView((s) => ({ ...s, fn: undefined, fnHost: undefined, callersZoom: [], calleesZoom: [] }))}>close</button>
      </h3>
      {(callers.error ?? callees.error) && <p className="error">{((callers.error ?? callees.error) as Error).message}</p>}
      <p className="muted">callers (who calls it, up to the stack roots)</p>
      <div data-testid="sandwich-callers">
        {callers.tree && <FlameGraph root={callers.tree.root} zoom={view.callersZoom} search="" onZoom={(z) => setView((s) => ({ ...s, callersZoom: z }))} unit={callers.tree.unit} orientation="flame" />}
      </div>
      <p className="muted">callees (what it calls)</p>
      <div data-testid="sandwich-callees">
        {callees.tree && <FlameGraph root={callees.tree.root} zoom={view.calleesZoom} search="" onZoom={(z) => setView((s) => ({ ...s, calleesZoom: z }))} unit={callees.tree.unit} />}
      </div>
    </div>
  );
}
