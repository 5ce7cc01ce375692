/** Byte arrays joined into one (the part itself when there is only one; `length` when the caller knows it). */
export function concatBytes(parts: readonly Uint8Array[], length?: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let n = length;
  if (n === undefined) {
    n = 0;
    for (const p of parts) n += p.length;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
