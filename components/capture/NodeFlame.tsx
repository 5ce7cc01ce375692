'use client';
import { endpoints, endpointUrl } from '@/lib/api/endpoints';
import type { CellSelection, FlameNode, NodeSummary } from '@/lib/api/schemas';
import { useZoomableTree } from '@/lib/client/queries';
import { useSeen } from '@/lib/client/use-visible';
import { useWidth } from '@/lib/client/use-width';
import { formatCount, formatDurationNs, formatPercent } from '@/lib/viz/format';
import { lodShareForWidth } from '@/lib/viz/tree';
import { FlameGraph } from '../flame-graph/FlameGraph';
import { ZoomCrumbs } from '../flame-graph/ZoomCrumbs';
import styles from './CaptureView.module.css';

interface Props {
  captureId: string;
  node: NodeSummary;
  selected: boolean;
  zoom: string[];
  search: string;
  event?: string;
  /** Time range of this node (ns since its first record), from the timeline brush. */
  range?: [number, number];
  /** Subsecond-heatmap selection. */
  cells?: CellSelection;
  onSelect: () => void;
  onZoom: (path: string[]) => void;
  onClearRange?: () => void;
  onClearCells?: () => void;
  /** Zoom every node of the capture to this path. */
  onZoomAll?: (path: string[]) => void;
  /** Share of the card's width the graph takes (shared sample scale), 1 by default. */
  widthShare?: number;
}

/** One node's card: header, search match share, and its flame graph. */
export function NodeFlame({ captureId, node, selected, zoom, search, event, range, cells, onSelect, onZoom, onClearRange, onClearCells, onZoomAll, widthShare = 1 }: Props) {
  const [cardRef, seen] = useSeen<HTMLElement>();
  const [graphRef, graphWidth] = useWidth<HTMLDivElement>(600);
  const params = { id: captureId, node: node.name };
  const query = { event, search: search || undefined, fromNs: range?.[0], toNs: range?.[1], sel: cells, maxNodes: 2500, minShare: lodShareForWidth(graphWidth * widthShare) };
  const { tree, error, missing, updating } = useZoomableTree<typeof endpoints.flamegraph, FlameNode>(endpoints.flamegraph, params, query, zoom, { key: [node.version], enabled: seen });
  const folded = endpointUrl(endpoints.folded, params, { event });

  return (
    <section ref={cardRef} className={`${styles.card} ${selected ? styles.selected : ''}`} onMouseDown={onSelect} data-testid="node-card" data-node={node.name}>
      <header className={styles.cardHead}>
        <div>
          <strong className={styles.nodeName}>{node.name}</strong>
          {node.hostname && node.hostname !== node.name && <span className="muted"> · {node.hostname}</span>}
          <div className="muted">
            {formatCount(node.samples)} samples · {formatDurationNs(node.endNs - node.startNs)} · {node.format}
            {node.gzip ? ' (gzip)' : ''}
            {node.warnings > 0 && (
              <span title={node.warningDetails.map((w) => `line ${w.line}: ${w.message}`).join('\n')}> · {node.warnings} skipped lines</span>
            )}
          </div>
        </div>
        <div className={styles.cardActions}>
          {tree?.search && (
            <span className={styles.match} data-testid="match">
              {formatPercent(tree.search.matched, tree.search.total)} matched
            </span>
          )}
          <a href={folded} download={`${node.name}.folded`}>
            folded
          </a>
          <a href={endpointUrl(endpoints.raw, params)}>raw</a>
        </div>
      </header>
      {(range || cells) && (
        <div className={styles.filters} data-testid="flame-filter">
          {tree && (
            <span>
              {updating ? (
                <span className="muted">updating…</span>
              ) : (
                <>
                  <strong data-testid="flame-samples">{tree.root.k}</strong> of {node.samples} records
                </>
              )}
            </span>
          )}
          {range && (
            <span className={styles.chip}>
              {formatDurationNs(range[0])}–{formatDurationNs(range[1])}
              {onClearRange && (
                <button onClick={onClearRange} aria-label="clear time range">
                  ×
                </button>
              )}
            </span>
          )}
          {cells && (
            <span className={styles.chip}>
              heatmap selection
              {onClearCells && (
                <button onClick={onClearCells} aria-label="clear heatmap selection">
                  ×
                </button>
              )}
            </span>
          )}
        </div>
      )}
      <ZoomCrumbs path={zoom} onReset={() => onZoom([])}>
        {onZoomAll && !missing && (
          <button onClick={() => onZoomAll(zoom)} title="zoom every node to this frame path" data-testid="zoom-all">
            Zoom all nodes here
          </button>
        )}
      </ZoomCrumbs>
      {missing && (
        <p className="muted" data-testid="zoom-missing">
          This node has no frame path {zoom.join(' → ')}; showing the whole graph.
        </p>
      )}
      <div ref={graphRef}>
      {error ? (
        <p className="error">{(error as Error).message}</p>
      ) : !tree ? (
        <div className={styles.placeholder}>{seen ? 'loading…' : ''}</div>
      ) : tree.total === 0 ? (
        <p className="muted">
          No samples{event ? ` for event ${event}` : ''}
          {range || cells ? ' in this selection' : ' on this node'}.
        </p>
      ) : (
        <div style={{ width: `${Math.max(2, Math.round(widthShare * 1000) / 10)}%` }} data-testid="flame-width">
          <FlameGraph root={tree.root} zoom={missing ? [] : zoom} search={search} onZoom={onZoom} unit={tree.unit} />
        </div>
      )}
      </div>
    </section>
  );
}
