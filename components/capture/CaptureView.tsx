'use client';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import type { Capture, NodeSummary, SourceKind, SourceSummary } from '@/lib/api/schemas';
import { defaultKind, defaultSource, sourceOfKind } from '@/lib/api/sources';
import { OFF_CPU_EVENT } from '@/lib/util/derived-events';
import type { ViewName, ViewState } from '@/lib/api/view-state';
import { useCapture } from '@/lib/client/queries';
import { shiftOf, useViewState, withNode, withTransforms } from '@/lib/client/view-state';
import { formatCount } from '@/lib/viz/format';
import { placeSources } from '@/lib/viz/hosts';
import { CompareView } from '../compare/CompareView';
import { CopyLink } from '../ui/CopyLink';
import { Arrivals } from './Arrivals';
import { CaptureTitle } from './CaptureTitle';
import { NodeFlame } from './NodeFlame';
import { FunctionsView } from '../functions/FunctionsView';
import { SchedView } from '../sched/SchedView';
import { SyscallsView } from './SyscallsView';
import { TimelineView } from './TimelineView';
import { TransformBar } from './TransformBar';
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
  ['functions', 'Functions'],
  ['timeline', 'Timeline'],
  ['syscalls', 'Syscalls'],
  ['sched', 'Scheduler'],
];

/** A host's source with off-CPU time (derived from its context switches), those with call stacks (perf tracepoints) first. */
function offCpuSource(node: NodeSummary): SourceSummary | undefined {
  const withOff = node.sources.filter((s) => s.events.some((e) => e.derived && e.name === OFF_CPU_EVENT && e.samples > 0));
  return withOff.length > 0 ? defaultSource(withOff, 'stacks') : undefined;
}

/**
 * The page's keys: `/` focuses the search, Esc resets the zooms of the view shown (or leaves the
 * field being typed in), arrows move the selected host (A of the differential view in Compare).
 */
function useShortcuts(capture: Capture, view: ViewState, setView: (update: (s: ViewState) => ViewState) => void, searchRef: React.RefObject<HTMLInputElement | null>) {
  const current = useRef({ capture, view });
  useEffect(() => {
    current.current = { capture, view };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      const typing = !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      if (e.key === 'Escape') {
        if (typing) t.blur();
        else setView((s) => ({ ...s, zoom: s.view === 'flame' || s.view === 'timeline' ? {} : s.zoom, offZoom: s.view === 'flame' ? {} : s.offZoom, diffZoom: s.view === 'compare' ? [] : s.diffZoom, mergedZoom: s.view === 'compare' ? [] : s.mergedZoom, callersZoom: s.view === 'functions' ? [] : s.callersZoom, calleesZoom: s.view === 'functions' ? [] : s.calleesZoom }));
        return;
      }
      if (typing) return;
      if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
      const { capture: c, view: v } = current.current;
      if (step === 0 || c.nodes.length === 0) return;
      e.preventDefault();
      const names = c.nodes.map((n) => n.name);
      // No choice yet means the first host (the page shows it selected).
      const at = Math.max(0, names.indexOf((v.view === 'compare' ? v.a : v.node) ?? ''));
      const next = names[(at + step + names.length) % names.length] as string;
      setView((s) => (s.view === 'compare' ? { ...s, a: next, node: next, diffZoom: [] } : { ...s, node: next }));
      document.querySelector(`[data-testid="node-card"][data-node="${next}"]`)?.scrollIntoView({ block: 'nearest' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView, searchRef]);
}

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

  const searchRef = useRef<HTMLInputElement>(null);
  useShortcuts(capture, view, setView, searchRef);

  const kind = view.kind ?? defaultKind(capture.nodes);
  // Kinds of source in the capture, and on how many hosts.
  const kinds = useMemo(() => {
    const hosts = new Map<SourceKind, number>();
    for (const n of capture.nodes) for (const k of new Set(n.sources.map((s) => s.kind))) hosts.set(k, (hosts.get(k) ?? 0) + 1);
    return [...hosts.entries()];
  }, [capture.nodes]);
  const hosts = useMemo(
    () =>
      capture.nodes.map((node) => {
        const source = sourceOfKind(node.sources, kind);
        return { node, source, placement: placeSources(node, shiftOf(view, node.name)).find((p) => p.source.name === source?.name) };
      }),
    [capture.nodes, kind, view],
  );
  // Events with records on some host (sources stored before zero-record events were left out list them too).
  const events = useMemo(() => {
    const counts = new Map<string, { hosts: number; derived: boolean }>();
    for (const h of hosts)
      for (const e of h.source?.events ?? []) {
        if (e.samples === 0) continue;
        const c = counts.get(e.name) ?? { hosts: 0, derived: e.derived === true };
        c.hosts++;
        counts.set(e.name, c);
      }
    return [...counts.entries()];
  }, [hosts]);
  const offCpu = useMemo(() => capture.nodes.map((n) => ({ node: n, source: offCpuSource(n) })), [capture.nodes]);
  const hasOffCpu = offCpu.some((o) => o.source);
  const withKind = hosts.filter((h) => h.source).length;

  const totalSamples = capture.nodes.reduce((a, n) => a + n.sources.reduce((b, s) => b + s.samples, 0), 0);
  const sourceCount = capture.nodes.reduce((a, n) => a + n.sources.length, 0);
  const maxSamples = Math.max(1, ...hosts.map((h) => h.source?.samples ?? 0));
  const selected = capture.nodes.find((n) => n.name === view.node) ?? capture.nodes[0];

  return (
    <main className="page">
      <div className={styles.top}>
        <div>
          <CaptureTitle capture={capture} />
          <div className="muted">
            {capture.nodes.length} host{capture.nodes.length === 1 ? '' : 's'} · {sourceCount} source{sourceCount === 1 ? '' : 's'} · {formatCount(totalSamples)} records · created{' '}
            {capture.createdAt.replace('T', ' ').slice(0, 16)} UTC
          </div>
        </div>
        <CopyLink />
      </div>
      <Arrivals captureId={capture.id} />
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
          placeholder="Search frames: substring, or /regex/ (/regex/i: any case)"
          aria-label="search frames"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          className={styles.search}
          data-testid="search"
          ref={searchRef}
        />
        <span className="muted" title="Keys: / search · Esc reset zooms (in the search box: leave it) · ← → or ↑ ↓ previous / next host" aria-hidden>
          ⌨
        </span>
        {kinds.length > 1 && (view.view === 'flame' || view.view === 'compare' || view.view === 'functions') && (
          <label title="Flame graphs and comparisons read one kind of source on every host">
            Source{' '}
            <select value={kind} onChange={(e) => setView((s) => ({ ...s, kind: e.target.value as SourceKind, event: undefined, zoom: {}, cells: {}, diffZoom: [], mergedZoom: [] }))} data-testid="kind-select">
              {kinds.map(([k, n]) => (
                <option key={k} value={k}>
                  {k} ({n} of {capture.nodes.length} hosts)
                </option>
              ))}
            </select>
          </label>
        )}
        {events.length > 1 && (
          <label>
            Event{' '}
            <select value={view.event ?? ''} onChange={(e) => setView((s) => ({ ...s, event: e.target.value || undefined, zoom: {}, cells: {} }))} data-testid="event-select">
              <option value="">default (first event, as stackcollapse-perf.pl)</option>
              {events.map(([name, { hosts: nodes, derived }]) => (
                <option key={name} value={name}>
                  {name}
                  {derived ? ' (off-CPU time, from context switches)' : ''}
                  {nodes < withKind ? ` (${nodes} of ${withKind} hosts)` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        {view.view === 'flame' && hasOffCpu && (
          <label title="Each host's off-CPU time (switched out until switched back in, by the state it blocked in and the stack it blocked in) beside its CPU flame graph">
            <input type="checkbox" checked={view.offCpu} onChange={(e) => setView((s) => ({ ...s, offCpu: e.target.checked }))} data-testid="offcpu-toggle" /> off-CPU beside
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
        {(view.view === 'flame' || view.view === 'compare') && (
          <label title="Root at the top (icicle, as speedscope and the Firefox Profiler draw) or at the bottom (flame, as flamegraph.pl draws)">
            Draw{' '}
            <select value={view.orientation} onChange={(e) => setView((s) => ({ ...s, orientation: e.target.value as 'icicle' | 'flame' }))} data-testid="orientation-select">
              <option value="icicle">icicle (root at top)</option>
              <option value="flame">flame (root at bottom)</option>
            </select>
          </label>
        )}
        {Object.keys(view.zoom).length + Object.keys(view.range).length + Object.keys(view.cells).length > 0 && (
          <button onClick={() => setView((s) => ({ ...s, zoom: {}, range: {}, cells: {} }))}>Reset zooms and ranges</button>
        )}
      </div>
      {(view.view === 'flame' || view.view === 'compare' || view.view === 'functions' || view.view === 'timeline') && (
        <TransformBar transforms={view.transforms} onChange={(next) => setView((s) => withTransforms(s, next))} />
      )}
      {capture.nodes.length === 0 || !selected ? (
        <p className="muted">This capture has no hosts yet: drop files on the start page, or run the agent on each host (below).</p>
      ) : view.view === 'timeline' ? (
        <TimelineView capture={capture} view={view} setView={setView} selected={selected} />
      ) : view.view === 'syscalls' ? (
        <SyscallsView capture={capture} view={view} setView={setView} selected={selected} />
      ) : view.view === 'compare' ? (
        <CompareView capture={capture} view={view} setView={setView} kind={kind} />
      ) : view.view === 'functions' ? (
        <FunctionsView capture={capture} view={view} setView={setView} kind={kind} filter={search} />
      ) : view.view === 'sched' ? (
        <SchedView capture={capture} view={view} setView={setView} selected={selected} />
      ) : (
        <div className={`${styles.grid} ${view.offCpu && hasOffCpu ? styles.pairs : ''}`}>
          {hosts.map(({ node: n, source, placement }, i) => (
            <Fragment key={n.name}>
            <NodeFlame
              captureId={capture.id}
              node={n}
              kind={kind}
              source={source}
              placement={placement}
              selected={view.node === n.name}
              zoom={view.zoom[n.name] ?? []}
              search={view.search}
              event={view.event}
              range={view.range[n.name]}
              cells={view.cells[n.name]}
              onSelect={() => setView((s) => (s.node === n.name ? s : { ...s, node: n.name }))}
              onZoom={(path) => setView((s) => ({ ...s, node: n.name, zoom: { ...s.zoom, [n.name]: path } }))}
              onZoomAll={(path) => setView((s) => ({ ...s, zoom: Object.fromEntries(capture.nodes.map((x) => [x.name, path])) }))}
              widthShare={view.scale === 'shared' ? (source?.samples ?? 0) / maxSamples : 1}
              transforms={view.transforms}
              onTransform={(t) => setView((s) => withTransforms(s, [...s.transforms, t]))}
              orientation={view.orientation}
              onClearRange={() => setView((s) => ({ ...s, range: withNode(s.range, n.name, undefined) }))}
              onClearCells={() => setView((s) => ({ ...s, cells: withNode(s.cells, n.name, undefined) }))}
            />
            {view.offCpu && hasOffCpu && (
              <NodeFlame
                captureId={capture.id}
                node={n}
                kind={offCpu[i]?.source?.kind ?? 'perf-tracepoints'}
                source={offCpu[i]?.source}
                placement={offCpu[i]?.source ? placeSources(n, shiftOf(view, n.name)).find((p) => p.source.name === offCpu[i]?.source?.name) : undefined}
                selected={view.node === n.name}
                zoom={view.offZoom[n.name] ?? []}
                search={view.search}
                event={OFF_CPU_EVENT}
                range={view.range[n.name]}
                onSelect={() => setView((s) => (s.node === n.name ? s : { ...s, node: n.name }))}
                onZoom={(path) => setView((s) => ({ ...s, node: n.name, offZoom: { ...s.offZoom, [n.name]: path } }))}
                onClearRange={() => setView((s) => ({ ...s, range: withNode(s.range, n.name, undefined) }))}
                offCpu
                orientation={view.orientation}
                transforms={view.transforms}
                onTransform={(t) => setView((s) => withTransforms(s, [...s.transforms, t]))}
              />
            )}
            </Fragment>
          ))}
        </div>
      )}
    </main>
  );
}
