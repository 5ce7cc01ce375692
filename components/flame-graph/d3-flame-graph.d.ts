// d3-flame-graph ships no typings; this covers what components/flame-graph uses.
declare module 'd3-flame-graph' {
  export interface HierarchyFrame<T> {
    data: T;
    value: number;
    depth: number;
    x0: number;
    x1: number;
    highlight?: boolean;
    parent: HierarchyFrame<T> | null;
    children?: HierarchyFrame<T>[];
  }
  export interface FlameGraphChart<T> {
    (selection: unknown): void;
    width(w: number): FlameGraphChart<T>;
    cellHeight(h: number): FlameGraphChart<T>;
    minHeight(h: number): FlameGraphChart<T>;
    transitionDuration(ms: number): FlameGraphChart<T>;
    minFrameSize(px: number): FlameGraphChart<T>;
    sort(s: boolean | ((a: HierarchyFrame<T>, b: HierarchyFrame<T>) => number)): FlameGraphChart<T>;
    inverted(i: boolean): FlameGraphChart<T>;
    selfValue(s: boolean): FlameGraphChart<T>;
    resetHeightOnZoom(r: boolean): FlameGraphChart<T>;
    computeDelta(c: boolean): FlameGraphChart<T>;
    title(t: string): FlameGraphChart<T>;
    setColorMapper(f: (d: HierarchyFrame<T>, original: string) => string): FlameGraphChart<T>;
    setSearchMatch(f: (d: HierarchyFrame<T>, term: string, ignoreCase?: boolean) => boolean): FlameGraphChart<T>;
    setSearchHandler(f: (results: HierarchyFrame<T>[], sum: number, total: number) => void): FlameGraphChart<T>;
    setDetailsHandler(f: (d: string | null) => void): FlameGraphChart<T>;
    setLabelHandler(f: (d: HierarchyFrame<T>) => string): FlameGraphChart<T>;
    onClick(f: (d: HierarchyFrame<T>) => void): FlameGraphChart<T>;
    update(data?: T): FlameGraphChart<T>;
    search(term: string): void;
    clear(): void;
    zoomTo(d: HierarchyFrame<T>): void;
    resetZoom(): void;
    destroy(): FlameGraphChart<T>;
  }
  export default function flamegraph<T>(): FlameGraphChart<T>;
}
