/** Flame graph colours: hue by frame kind, a stable shade per name (as flamegraph.pl does). */
import type { FlameNode } from '../api/schemas';

function hash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % 1000) / 1000;
}

export const KIND_LABELS: Record<FlameNode['l'], string> = {
  root: 'all samples',
  process: 'process',
  user: 'user code',
  kernel: 'kernel',
  jit: 'JIT',
  inlined: 'inlined',
  other: 'folded frames',
};

/** Hue ranges per kind (flamegraph.pl's palette): user red, kernel orange, JIT green, inlined aqua. */
export function frameColor(node: Pick<FlameNode, 'n' | 'l'>): string {
  const v = hash(node.n);
  switch (node.l) {
    case 'kernel':
      return `hsl(${30 + Math.round(12 * v)}, 90%, ${56 + Math.round(8 * v)}%)`;
    case 'jit':
      return `hsl(${100 + Math.round(25 * v)}, 50%, ${50 + Math.round(10 * v)}%)`;
    case 'inlined':
      return `hsl(${180 + Math.round(15 * v)}, 55%, ${55 + Math.round(10 * v)}%)`;
    case 'process':
    case 'root':
      return `hsl(${220 + Math.round(15 * v)}, 25%, ${72 + Math.round(8 * v)}%)`;
    case 'other':
      return 'hsl(0, 0%, 82%)';
    default:
      return `hsl(${Math.round(16 * v)}, 75%, ${58 + Math.round(10 * v)}%)`;
  }
}

export const HIGHLIGHT_COLOR = 'rgb(230,0,230)';
