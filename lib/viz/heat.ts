/** Colour ramps for heatmaps (value fraction 0..1 → CSS colour). */
import { interpolateBlues, interpolateYlOrRd } from 'd3';

/** Sample counts: FlameScope's white → yellow → red, square-root scaled so sparse cells show. */
export const heatColor = (f: number): string => interpolateYlOrRd(0.12 + 0.88 * Math.sqrt(f));
/** Syscall metrics: blues, log-like scale. */
export const syscallColor = (f: number): string => interpolateBlues(0.15 + 0.85 * Math.sqrt(f));
export const errorColor = (f: number): string => `rgba(200, 30, 30, ${0.2 + 0.8 * Math.sqrt(f)})`;
