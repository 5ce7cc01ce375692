'use client';
import { endpoints, endpointUrl } from '@/lib/api/endpoints';
import type { CellSelection, ExportFormat, FlameNode, NodeSummary, SourceKind, SourceSummary } from '@/lib/api/schemas';
import { useZoomableTree } from '@/lib/client/queries';
import { useSeen } from '@/lib/client/use-visible';
import { useWidth } from '@/lib/client/use-width';
import { formatCount, formatDurationNs, formatPercent } from '@/lib/viz/format';
import { sourceRange, type Placement } from '@/lib/viz/hosts';
import { lodShareForWidth } from '@/lib/viz/tree';
import { FlameGraph } from '../flame-graph/FlameGraph';
import { ZoomCrumbs } from '../flame-graph/ZoomCrumbs';
import type { Transform } from '@/lib/util/transforms';
import { FrameTransforms } from './TransformBar';
import styles from './CaptureView.module.css';

/** The card's export links: each format of GET …/export, with what it is for. */
const EXPORTS: [ExportFormat, string][] = [
  ['folded', "folded stacks (stackcollapse-perf.pl's format) of this view"],
  ['pprof', 'pprof profile.proto (gzip) of this view: go tool pprof, Pyroscope, the Firefox Profiler'],
  ['speedscope', "speedscope's JSON file of this view"],
  ['svg', "a self-contained SVG flame graph of this view, with search (like flamegraph.pl's)"],
];

interface Props {
  captureId: string;
  node: NodeSummary;
  /** The kind of source the cards show, and this host's source of that kind (none: the card says so). */
  kind: SourceKind;
  source?: SourceSummary;
  /** Where that source sits on the host's time axis. */
  placement?: Placement;
  selected: boolean;
  zoom: string[];
  search: string;
  event?: string;
  /** Time range on the host's axis (ns from its first record), from the timeline brush. */
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
  /** The card shows off-CPU time (event off-cpu of a scheduler source). */
  offCpu?: boolean;
  /** Root at the top (icicle) or at the bottom (flame). */
  orientation?: 'icicle' | 'flame';
  /** Transforms the graph is drawn through, and how to add one about the zoomed frame. */
  transforms: readonly Transform[];
  onTransform?: (t: Transform) => void;
}

/** One node's card: header, search match share, and its flame graph. */
export function NodeFlame(props: Props) {
  const { node, source, kind, selected, onSelect, offCpu } = props;
  return (
    <section className={`${styles.card} ${selected ? styles.selected : ''}`} onMouseDown={onSelect} data-testid={offCpu ? 'offcpu-card' : 'node-card'} data-node={node.name}>
      {source ? (
        <SourceFlame {...props} source={source} />
      ) : (
        <>
          <HostHead node={node} />
          <p className="muted" data-testid="no-source">
            {offCpu
              ? 'No context switches on this host (record sched:sched_switch, with -g for stacks): no off-CPU time to show.'
              : `No ${kind} source on this host${node.sources.length > 0 ? ` (it has ${node.sources.map((s) => s.name).join(', ')})` : ''}: it is not compared with the others.`}
          </p>
        </>
      )}
    </section>
  );
}

function HostHead({ node, children }: { node: NodeSummary; children?: React.ReactNode }) {
  return (
    <header className={styles.cardHead}>
      <div>
        <strong className={styles.nodeName}>{node.name}</strong>
        {node.hostname && node.hostname !== node.name && <span className="muted"> · {node.hostname}</span>}
        <div className={styles.sourceChips} data-testid="host-sources">
          {node.sources.map((s) => (
            <span key={s.name} className={styles.sourceChip} title={`${s.format}${s.gzip ? ' (gzip)' : ''} · ${formatCount(s.samples)} records · ${formatDurationNs(s.endNs - s.startNs)}`}>
              {s.name}
              {s.name !== s.kind ? ` (${s.kind})` : ''}
            </span>
          ))}
        </div>
      </div>
      {children}
    </header>
  );
}

function SourceFlame({ captureId, node, source, placement, zoom, search, event, range: hostRange, cells, onZoom, onClearRange, onClearCells, onZoomAll, widthShare = 1, offCpu, orientation, transforms, onTransform }: Props & { source: SourceSummary }) {
  const [cardRef, seen] = useSeen<HTMLDivElement>();
  const [graphRef, graphWidth] = useWidth<HTMLDivElement>(600);
  const params = { id: captureId, node: node.name };
  const range = sourceRange(hostRange, placement);
  // A host range the source has no records in selects nothing: an empty range, not the whole source.
  const [fromNs, toNs] = range === null ? [0, 0] : [range?.[0], range?.[1]];
  const tf = transforms.length > 0 ? [...transforms] : undefined;
  const query = { source: source.name, event, search: search || undefined, fromNs, toNs, sel: cells, tf, maxNodes: 2500, minShare: lodShareForWidth(graphWidth * widthShare) };
  const { tree, error, missing, updating } = useZoomableTree<typeof endpoints.flamegraph, FlameNode>(endpoints.flamegraph, params, query, zoom, { key: [source.version], enabled: seen });
  // Exports of what the card shows: its source, event, time range and heatmap selection.
  const exportUrl = (format: ExportFormat) => endpointUrl(endpoints.exportNode, params, { source: source.name, event, fromNs, toNs, sel: cells, tf, format });

  return (
    <div ref={cardRef}>
      <HostHead node={node}>
        <div className={styles.cardActions}>
          {tree?.search && (
            <span className={styles.match} data-testid="match">
              {formatPercent(tree.search.matched, tree.search.total)} matched
            </span>
          )}
          <span className={styles.exports} data-testid="exports">
            {EXPORTS.map(([format, title]) => (
              <a key={format} href={exportUrl(format)} download title={title}>
                {format}
              </a>
            ))}
          </span>
          <a href={endpointUrl(endpoints.raw, params, { source: source.name })}>raw</a>
        </div>
      </HostHead>
      <div className="muted" style={{ fontSize: 12 }}>
        {offCpu && <strong>Off-CPU time · </strong>}
        {source.name}: {formatCount(source.samples)} samples · {formatDurationNs(source.endNs - source.startNs)} · {source.format}
        {source.gzip ? ' (gzip)' : ''}
        {source.warnings > 0 && <span title={source.warningDetails.map((w) => `line ${w.line}: ${w.message}`).join('\n')}> · {source.warnings} skipped lines</span>}
      </div>
      {(hostRange || cells) && (
        <div className={styles.filters} data-testid="flame-filter">
          {tree && (
            <span>
              {updating ? (
                <span className="muted">updating…</span>
              ) : (
                <>
                  <strong data-testid="flame-samples">{tree.root.k}</strong> of {source.samples} records
                </>
              )}
            </span>
          )}
          {hostRange && (
            <span className={styles.chip}>
              {formatDurationNs(hostRange[0])}–{formatDurationNs(hostRange[1])}
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
        {onTransform && !missing && zoom.length > 0 && <FrameTransforms name={zoom[zoom.length - 1] as string} onAdd={onTransform} />}
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
          {hostRange || cells ? ' in this selection' : ' in this source'}.
        </p>
      ) : (
        <div style={{ width: `${Math.max(2, Math.round(widthShare * 1000) / 10)}%` }} data-testid="flame-width">
          <FlameGraph root={tree.root} zoom={missing ? [] : zoom} search={search} onZoom={onZoom} unit={tree.unit} orientation={orientation} />
        </div>
      )}
      </div>
    </div>
  );
}
