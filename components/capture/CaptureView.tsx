'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Capture } from '@/lib/api/schemas';
import type { ViewName } from '@/lib/api/view-state';
import { useCapture } from '@/lib/client/queries';
import { useViewState, withNode } from '@/lib/client/view-state';
import { formatCount } from '@/lib/viz/format';
import { CompareView } from '../compare/CompareView';
import { CopyLink } from '../ui/CopyLink';
import { NodeFlame } from './NodeFlame';
import { SyscallsView } from './SyscallsView';
import { TimelineView } from './TimelineView';
import styles from './CaptureView.module.css';

/** Debounced copy of a value (search typing → one request per pause). */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const TABS: [ViewName, string][] = [
  ['flame', 'Flame graphs'],
  ['compare', 'Compare'],
  ['timeline', 'Timeline'],
  ['syscalls', 'Syscalls'],
];

export function CaptureView({ initial }: { initial: Capture }) {
  const { data } = useCapture(initial.id, initial);
  const capture = data ?? initial;
  const [view, setView] = useViewState();
  const [searchText, setSearchText] = useState(view.search);
  const search = useDebounced(searchText, 250);
  // The search box and the URL stay in step both ways (links can set the search too).
  const pushed = useRef(view.search);
  useEffect(() => {
    if (view.search !== pushed.current) {
      pushed.current = view.search;
      setSearchText(view.search);
    }
  }, [view.search]);
  useEffect(() => {
    if (search !== pushed.current) {
      pushed.current = search;
      setView((s) => ({ ...s, search }));
    }
  }, [search, setView]);

  const events = useMemo(() => {
    const counts = new Map<string, number>();
    for (const n of capture.nodes) for (const e of n.events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    return [...counts.entries()];
  }, [capture.nodes]);

  const totalSamples = capture.nodes.reduce((a, n) => a + n.samples, 0);
  const maxSamples = Math.max(1, ...capture.nodes.map((n) => n.samples));
  const selected = capture.nodes.find((n) => n.name === view.node) ?? capture.nodes[0];

  return (
    <main className="page">
      <div className={styles.top}>
        <div>
          <h1 className={styles.title} data-testid="capture-name">
            {capture.name}
          </h1>
          <div className="muted">
            {capture.nodes.length} node{capture.nodes.length === 1 ? '' : 's'} · {formatCount(totalSamples)} records · created {capture.createdAt.replace('T', ' ').slice(0, 16)} UTC
          </div>
        </div>
        <CopyLink />
      </div>
      <nav className={styles.tabs} role="tablist">
        {TABS.map(([name, label]) => (
          <button
            key={name}
            role="tab"
            aria-selected={view.view === name}
            className={`${styles.tab} ${view.view === name ? styles.activeTab : ''}`}
            onClick={() => setView((s) => ({ ...s, view: name }))}
            data-testid={`tab-${name}`}
          >
            {label}
          </button>
        ))}
      </nav>
      <div className={styles.toolbar}>
        <input
          type="search"
          placeholder="Search frames (substring)"
          aria-label="search frames"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          className={styles.search}
          data-testid="search"
        />
        {events.length > 1 && (
          <label>
            Event{' '}
            <select value={view.event ?? ''} onChange={(e) => setView((s) => ({ ...s, event: e.target.value || undefined, zoom: {}, cells: {} }))} data-testid="event-select">
              <option value="">default (first event, as stackcollapse-perf.pl)</option>
              {events.map(([name, nodes]) => (
                <option key={name} value={name}>
                  {name}
                  {nodes < capture.nodes.length ? ` (${nodes} of ${capture.nodes.length} nodes)` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        {view.view === 'flame' && (
          <label title="Each graph at its own 100 %, or all on one sample scale (a node with half the samples draws half as wide)">
            Scale{' '}
            <select value={view.scale} onChange={(e) => setView((s) => ({ ...s, scale: e.target.value as 'own' | 'shared' }))} data-testid="scale-select">
              <option value="own">each node 100 %</option>
              <option value="shared">shared sample scale</option>
            </select>
          </label>
        )}
        {Object.keys(view.zoom).length + Object.keys(view.range).length + Object.keys(view.cells).length > 0 && (
          <button onClick={() => setView((s) => ({ ...s, zoom: {}, range: {}, cells: {} }))}>Reset zooms and ranges</button>
        )}
      </div>
      {capture.nodes.length === 0 || !selected ? (
        <p className="muted">This capture has no nodes yet. Upload one with PUT /api/captures/{capture.id}/nodes/NODE (see the README).</p>
      ) : view.view === 'timeline' ? (
        <TimelineView capture={capture} view={view} setView={setView} selected={selected} />
      ) : view.view === 'syscalls' ? (
        <SyscallsView capture={capture} view={view} setView={setView} selected={selected} />
      ) : view.view === 'compare' ? (
        <CompareView capture={capture} view={view} setView={setView} />
      ) : (
        <div className={styles.grid}>
          {capture.nodes.map((n) => (
            <NodeFlame
              key={n.name}
              captureId={capture.id}
              node={n}
              selected={view.node === n.name}
              zoom={view.zoom[n.name] ?? []}
              search={view.search}
              event={view.event}
              range={view.range[n.name]}
              cells={view.cells[n.name]}
              onSelect={() => setView((s) => (s.node === n.name ? s : { ...s, node: n.name }))}
              onZoom={(path) => setView((s) => ({ ...s, node: n.name, zoom: { ...s.zoom, [n.name]: path } }))}
              onZoomAll={(path) => setView((s) => ({ ...s, zoom: Object.fromEntries(capture.nodes.map((x) => [x.name, path])) }))}
              widthShare={view.scale === 'shared' ? n.samples / maxSamples : 1}
              onClearRange={() => setView((s) => ({ ...s, range: withNode(s.range, n.name, undefined) }))}
              onClearCells={() => setView((s) => ({ ...s, cells: withNode(s.cells, n.name, undefined) }))}
            />
          ))}
        </div>
      )}
    </main>
  );
}
