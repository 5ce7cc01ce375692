import { forEachNode, type TreeNode } from './tree';

/** Differential colours: red where a frame's share grew (A over B), blue where it shrank. */
export function diffColor(delta: number, maxAbs: number): string {
  if (maxAbs <= 0 || Math.abs(delta) < 1e-12) return 'rgb(236,236,236)';
  const f = Math.min(1, Math.sqrt(Math.abs(delta) / maxAbs));
  const fade = Math.round(236 - 190 * f);
  return delta > 0 ? `rgb(236,${fade},${fade})` : `rgb(${fade},${fade},236)`;
}

/** Largest |d| over a tree. */
export function maxAbsDelta<N extends TreeNode<N> & { d: number }>(root: N): number {
  let m = 0;
  forEachNode(root, (node) => {
    m = Math.max(m, Math.abs(node.d));
  });
  return m;
}

export function formatShare(f: number): string {
  return `${(100 * f).toFixed(f >= 0.1 ? 1 : 2)}%`;
}

/** "+7.8 pts (×2.7)" */
export function formatDelta(a: number, b: number): string {
  const pts = 100 * (a - b);
  const rel = a > 0 && b > 0 ? ` (×${(a / b).toFixed(a / b >= 10 ? 0 : 2)})` : a > 0 ? ' (new)' : b > 0 ? ' (gone)' : '';
  return `${pts >= 0 ? '+' : ''}${pts.toFixed(Math.abs(pts) >= 1 ? 1 : 3)} pts${rel}`;
}
