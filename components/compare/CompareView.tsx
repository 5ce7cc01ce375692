'use client';
import { useMemo } from 'react';
import type { DiffNode, FlameNode, MergedNode } from '@/lib/api/schemas';
import { useDiff, useMerged, useRanking } from '@/lib/client/queries';
import type { CaptureViewProps } from '@/lib/client/view-state';
import { diffColor, formatDelta, formatShare, maxAbsDelta } from '@/lib/viz/diff';
import { formatCount, formatPercent } from '@/lib/viz/format';
import { FlameGraph } from '../flame-graph/FlameGraph';
import styles from './Compare.module.css';

type Props = Omit<CaptureViewProps, 'selected'>;

/** Which node is different, and why: ranking, differential flame graph, merged cluster graph. */
export function CompareView({ capture, view, setView }: Props) {
  const versions = capture.nodes.map((n) => n.version).join(',');
  const ranking = useRanking(capture.id, versions, view.event);
  const a = view.a ?? ranking.data?.[0]?.node ?? capture.nodes[0]?.name;
  const diff = useDiff(capture.id, versions, a, view.b, view.shape, view.event);
  const merged = useMerged(capture.id, versions, view.event);
  const maxAbs = useMemo(() => (diff.data ? maxAbsDelta(diff.data.root) : 0), [diff.data]);
  const bLabel = view.b === 'cluster' ? 'the rest of the cluster' : view.b;

  return (
    <div className={styles.layout}>
      <section className="panel">
        <h3>Odd one out</h3>
        <p className="muted" style={{ fontSize: 12 }}>
          Jensen–Shannon divergence of each node&apos;s time per function (total shares) from the mean of the other nodes; 0 = same profile, 1 = nothing in common.
        </p>
        {ranking.error && <p className="error">{(ranking.error as Error).message}</p>}
        <ol className={styles.ranking} data-testid="ranking">
          {ranking.data?.map((r, i) => (
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
      </section>
      <section className="panel">
        <div className={styles.pair}>
          <h3>Differential flame graph</h3>
          <label>
            A{' '}
            <select value={a} onChange={(e) => setView((s) => ({ ...s, a: e.target.value, diffZoom: [] }))} data-testid="diff-a">
              {capture.nodes.map((n) => (
                <option key={n.name}>{n.name}</option>
              ))}
            </select>
          </label>
          <label>
            vs B{' '}
            <select value={view.b} onChange={(e) => setView((s) => ({ ...s, b: e.target.value, diffZoom: [] }))} data-testid="diff-b">
              <option value="cluster">rest of the cluster</option>
              {capture.nodes
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
          <span className={styles.up}>red grew</span>, <span className={styles.down}>blue shrank</span> (shares of each side&apos;s own total).
        </p>
        {diff.error && <p className="error">{(diff.error as Error).message}</p>}
        {diff.data && (
          <div data-testid="diff-graph">
            <FlameGraph
              root={diff.data.root as unknown as FlameNode}
              zoom={view.diffZoom}
              search={view.search}
              onZoom={(path) => setView((s) => ({ ...s, diffZoom: path }))}
              color={(d) => diffColor((d as unknown as DiffNode).d, maxAbs)}
              describe={(d) => {
                const x = d as unknown as DiffNode;
                return [`${a}: ${formatShare(x.sa)} (${formatCount(x.a)})`, `${bLabel}: ${formatShare(x.sb)} (${formatCount(x.b)})`, `change: ${formatDelta(x.sa, x.sb)}`];
              }}
            />
            <DiffTable rows={diff.data.topSelf} title="Largest changes in self share" />
            <DiffTable rows={diff.data.topTotal} title="Largest changes in total share" />
          </div>
        )}
      </section>
      <section className={`panel ${styles.wide}`}>
        <h3>Merged cluster flame graph</h3>
        <p className="muted" style={{ fontSize: 12 }}>
          All nodes summed; hover a frame for its share on each node.
        </p>
        {merged.data && (
          <div data-testid="merged-graph">
            <FlameGraph
              root={merged.data.root as unknown as FlameNode}
              zoom={view.mergedZoom}
              search={view.search}
              onZoom={(path) => setView((s) => ({ ...s, mergedZoom: path }))}
              describe={(d) => {
                const m = d as unknown as MergedNode;
                const totals = merged.data.root.per;
                return merged.data.nodes.map((n, i) => `${n}: ${formatCount(m.per[i] ?? 0)} (${formatPercent(m.per[i] ?? 0, totals[i] ?? 0)})`);
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
