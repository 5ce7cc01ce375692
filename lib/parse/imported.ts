/**
 * What the formats of other profilers (pprof, speedscope) share: their function names are final
 * (collapse.ts prints them as they are), so they are made safe for a folded line once, here.
 */

/** Deepest stack kept from another profiler's file; the cut is reported as a warning. */
export const MAX_IMPORTED_DEPTH = 1024;

/**
 * A name as a folded line can carry it: `;` separates frames (stackcollapse-perf.pl also turns
 * it into `:`) and a newline would end the line.
 */
export function foldableName(raw: string): string {
  return /[;\r\n]/.test(raw) ? raw.replaceAll(';', ':').replace(/[\r\n]+/g, ' ') : raw;
}

/** The file name of a path (`/usr/bin/app` → `app`). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
