import * as scan from '../scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { isWordChar, skipBlanks } = scan;

/** One callchain line of `perf script`: `  address symbol+0xoff (module)`. */
export interface FrameLine {
  address: string;
  /** Symbol with the `+0x…` offset removed. */
  symbol: string;
  module: string;
}

/** stackcollapse-perf.pl's frame pattern; used only when the fast path below cannot decide. */
const PERL_FRAME = /^\s*(\w+)\s*(.+) \((.*)\)/;
const OFFSET = /\+0x[\da-f]+$/;

/**
 * Splits a frame line the way stackcollapse-perf.pl's pattern does: the module is between the
 * last " (" and the last ")"; the symbol is what lies between the address and the module.
 * `from` is where the address starts (after leading blanks).
 */
export function parseFrameLine(line: string, from = 0): FrameLine | null {
  let i = from;
  while (i < line.length && isWordChar(line.charCodeAt(i))) i++;
  const addrEnd = i;
  i = skipBlanks(line, i);
  const close = line.lastIndexOf(')');
  const open = close >= 2 ? line.lastIndexOf(' (', close - 2) : -1;
  if (addrEnd > from && i > addrEnd && open > i) {
    return { address: line.slice(from, addrEnd), symbol: line.slice(i, open).replace(OFFSET, ''), module: line.slice(open + 2, close) };
  }
  const m = PERL_FRAME.exec(line);
  if (!m) return null;
  return { address: m[1] as string, symbol: (m[2] as string).replace(OFFSET, ''), module: m[3] as string };
}
