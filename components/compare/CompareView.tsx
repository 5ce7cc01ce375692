'use client';
import { useMemo } from 'react';
import { endpoints } from '@/lib/api/endpoints';
import type { DiffNode, MergedNode, SourceKind } from '@/lib/api/schemas';
import { useEndpoint, useZoomableTree } from '@/lib/client/queries';
import { useWidth } from '@/lib/client/use-width';
import type { CaptureViewProps } from '@/lib/client/view-state';
import { diffColor, formatDelta, formatShare, maxAbsDelta } from '@/lib/viz/diff';
import { formatCount, formatPercent } from '@/lib/viz/format';
import { lodShareForWidth } from '@/lib/viz/tree';
import { FlameGraph } from '../flame-graph/FlameGraph';
import { ZoomCrumbs } from '../flame-graph/ZoomCrumbs';
import styles from './Compare.module.css';

type Props = Omit<CaptureViewProps, 'selected'> & { kind: SourceKind };

/** Which node is different, and why: ranking, differential flame graph, merged cluster graph. */
export function CompareView({ capture, view, setView, kind }: Props) {
  const versions = capture.nodes.flatMap((n) => n.sources.map((x) => x.version)).join(',');
  const params = { id: capture.id };
  const opts = { key: [versions] };
  const tf = view.transforms.length > 0 ? view.transforms : undefined;
  const abs = view.absolute || undefined;
  const ranking = useEndpoint(endpoints.ranking, params, { kind, event: view.event, tf, abs }, opts);
  const compared = capture.nodes.filter((n) => n.sources.some((x) => x.kind === kind));
  const a = view.a ?? ranking.data?.ranking[0]?.node ?? compared[0]?.name;
  const [diffRef, diffWidth] = useWidth<HTMLDivElement>(700);
  const [mergedRef, mergedWidth] = useWidth<HTMLDivElement>(1200);
  const diff = useZoomableTree<typeof endpoints.diff, DiffNode>(
    endpoints.diff,
    params,
    { kind, a: a ?? '', b: view.b, shape: view.shape, event: view.event, tf, abs, minShare: lodShareForWidth(diffWidth) },
    view.diffZoom,
    { ...opts, enabled: !!a },
  );
  const merged = useZoomableTree<typeof endpoints.merged, MergedNode>(endpoints.merged, params, { merge: 'all', kind, event: view.event, tf, minShare: lodShareForWidth(mergedWidth) }, view.mergedZoom, opts);
  const maxAbs = useMemo(() => (diff.tree ? maxAbsDelta(diff.tree.root) : 0), [diff.tree]);
  const bLabel = view.b === 'cluster' ? 'the rest of the cluster' : view.b;

  return (
    <div className={styles.layout}>
      <div className={`${styles.wide} ${styles.modeBar}`}>
        <label title="Shares of each side's own total compare shapes whatever the volume; absolute values compare how much weight each host spent where">
          Compare{' '}
          <select value={view.absolute ? 'abs' : 'share'} onChange={(e) => setView((s) => ({ ...s, absolute: e.target.value === 'abs', diffZoom: [] }))} data-testid="compare-mode">
            <option value="share">share of each side&apos;s total</option>
            <option value="abs">absolute values</option>
          </select>
        </label>
        {(ranking.data?.warnings.length ?? 0) > 0 && (
          <ul className={styles.warnings} data-testid="compare-warnings">
            {ranking.data?.warnings.map((w) => (
              <li key={w.code} data-code={w.code}>
                {w.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <section className="panel">
        <h3>Odd one out</h3>
        <p className="muted" style={{ fontSize: 12 }}>
          {view.absolute ? (
            <>
              Distance of each host&apos;s weight per function (self values) from the mean of the other hosts, Σ|a − m| / (Σa + Σm), on their <strong>{kind}</strong> sources; 0 = same work, 1 =
              nothing in common.
            </>
          ) : (
            <>
              Jensen–Shannon divergence of each host&apos;s time per function (total shares) from the mean of the other hosts, on their <strong>{kind}</strong> sources; 0 = same profile, 1 = nothing
              in common.
            </>
          )}
        </p>
        {ranking.error && <p className="error">{(ranking.error as Error).message}</p>}
        <ol className={styles.ranking} data-testid="ranking">
          {ranking.data?.ranking.map((r, i) => (
            <li key={r.node} data-testid="rank-row" data-node={r.node}>
              <div className={styles.rankHead}>
                <button className={styles.link} onClick={() => setView((s) => ({ ...s, a: r.node, b: 'cluster', shape: 'a', diffZoom: [] }))}>
                  {r.node}
                </button>
                <span className={styles.bar}>
                  <span style={{ width: `${Math.round(100 * r.score)}%` }} />
                </span>
                <span className="mono">{r.score.toFixed(3)}</span>
              </div>
              {i === 0 && r.topFrames.length > 0 && (
                <ul className={styles.frames} data-testid="top-frames">
                  {r.topFrames.map((f) => (
                    <li key={f.name}>
                      <button
                        className={styles.link}
                        onClick={() => setView((s) => ({ ...s, a: r.node, b: 'cluster', shape: f.deltaShare >= 0 ? 'a' : 'b', search: f.name, diffZoom: [] }))}
                        title="open the differential flame graph of this node against the rest, with this function highlighted"
                      >
                        <span className="mono">{f.name}</span>
                      </button>{' '}
                      <span className={f.deltaShare >= 0 ? styles.up : styles.down}>
                        {f.deltaShare >= 0 ? '+' : ''}
                        {(100 * f.deltaShare).toFixed(1)} pts self
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
        {(ranking.data?.missing.length ?? 0) > 0 && (
          <ul className={styles.missing} data-testid="rank-missing">
            {ranking.data?.missing.map((n) => (
              <li key={n} data-node={n}>
                <span className="mono">{n}</span>: no such source ({kind})
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" ref={diffRef}>
        <div className={styles.pair}>
          <h3>Differential flame graph</h3>
          <label>
            A{' '}
            <select value={a} onChange={(e) => setView((s) => ({ ...s, a: e.target.value, diffZoom: [] }))} data-testid="diff-a">
              {compared.map((n) => (
                <option key={n.name}>{n.name}</option>
              ))}
            </select>
          </label>
          <label>
            vs B{' '}
            <select value={view.b} onChange={(e) => setView((s) => ({ ...s, b: e.target.value, diffZoom: [] }))} data-testid="diff-b">
              <option value="cluster">rest of the cluster</option>
              {compared
                .filter((n) => n.name !== a)
                .map((n) => (
                  <option key={n.name}>{n.name}</option>
                ))}
            </select>
          </label>
          <label title="Frames that exist only in B are invisible in A's shape: draw B's shape instead, coloured the same way">
            <input type="checkbox" checked={view.shape === 'b'} onChange={(e) => setView((s) => ({ ...s, shape: e.target.checked ? 'b' : 'a', diffZoom: [] }))} data-testid="diff-shape" /> B&apos;s shape
            (vanished frames)
          </label>
        </div>
        <p className="muted" style={{ fontSize: 12, margin: '4px 0 8px' }}>
          Widths from {view.shape === 'a' ? a : bLabel}; colour by the change in each frame&apos;s share of samples, {a} against {bLabel}:{' '}
          <span className={styles.up}>red grew</span>, <span className={styles.down}>blue shrank</span> (
          {view.absolute ? 'absolute: shares of the larger side’s total, so volume counts' : 'shares of each side’s own total'}).
        </p>
        {diff.tree && diff.tree.warnings.length > 0 && (
          <ul className={styles.warnings} data-testid="diff-warnings">
            {diff.tree.warnings.map((w) => (
              <li key={w.code} data-code={w.code}>
                {w.message}
              </li>
            ))}
          </ul>
        )}
        {diff.error && <p className="error">{(diff.error as Error).message}</p>}
        {diff.missing && (
          <p className="muted" data-testid="diff-zoom-missing">
            No frame path {view.diffZoom.join(' → ')} in this comparison; showing the whole graph.
          </p>
        )}
        {diff.tree && (
          <div data-testid="diff-graph">
            <ZoomCrumbs path={view.diffZoom} onReset={() => setView((s) => ({ ...s, diffZoom: [] }))} testId="diff-zoom-path" />
            <FlameGraph
              root={diff.tree.root}
              zoom={diff.missing ? [] : view.diffZoom}
              search={view.search}
              onZoom={(path) => setView((s) => ({ ...s, diffZoom: path }))}
              orientation={view.orientation}
              color={(d) => diffColor(d.d, maxAbs)}
              describe={(d) => [`${a}: ${formatShare(d.sa)} (${formatCount(d.a)})`, `${bLabel}: ${formatShare(d.sb)} (${formatCount(d.b)})`, `change: ${formatDelta(d.sa, d.sb)}`]}
            />
            <DiffTable rows={diff.tree.topSelf} title="Largest changes in self share" />
            <DiffTable rows={diff.tree.topTotal} title="Largest changes in total share" />
          </div>
        )}
      </section>
      <section className={`panel ${styles.wide}`} ref={mergedRef}>
        <h3>Merged cluster flame graph</h3>
        <p className="muted" style={{ fontSize: 12 }}>
          All nodes summed; hover a frame for its share on each node.
        </p>
        {merged.tree && (
          <div data-testid="merged-graph">
            <ZoomCrumbs path={view.mergedZoom} onReset={() => setView((s) => ({ ...s, mergedZoom: [] }))} testId="merged-zoom-path" />
            <FlameGraph
              root={merged.tree.root}
              zoom={merged.missing ? [] : view.mergedZoom}
              search={view.search}
              onZoom={(path) => setView((s) => ({ ...s, mergedZoom: path }))}
              orientation={view.orientation}
              describe={(d) => {
                const { root, nodes } = merged.tree as NonNullable<typeof merged.tree>;
                return nodes.map((n, i) => `${n}: ${formatCount(d.per[i] ?? 0)} (${formatPercent(d.per[i] ?? 0, root.per[i] ?? 0)})`);
              }}
            />
          </div>
        )}
      </section>
    </div>
  );
}

function DiffTable({ rows, title }: { rows: { name: string; sa: number; sb: number; delta: number }[]; title: string }) {
  return (
    <table className={styles.table} data-testid="diff-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>function</th>
          <th>A</th>
          <th>B</th>
          <th>change</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, 10).map((r) => (
          <tr key={r.name}>
            <td className="mono">{r.name}</td>
            <td>{formatShare(r.sa)}</td>
            <td>{formatShare(r.sb)}</td>
            <td className={r.delta >= 0 ? styles.up : styles.down}>{formatDelta(r.sa, r.sb)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
