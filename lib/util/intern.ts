/** Interns strings to dense indices. Index 0 is always the empty string. */
export class StringTable {
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];

  constructor(initial: readonly string[] = []) {
    this.intern('');
    for (const s of initial) this.intern(s);
  }

  intern(s: string): number {
    let id = this.index.get(s);
    if (id === undefined) {
      id = this.strings.length;
      const own = detach(s);
      this.strings.push(own);
      this.index.set(own, id);
    }
    return id;
  }

  lookup(s: string): number | undefined {
    return this.index.get(s);
  }

  get(id: number): string {
    const s = this.strings[id];
    if (s === undefined) throw new Error(`internal: string ${id} out of range`);
    return s;
  }

  get size(): number {
    return this.strings.length;
  }
}

/**
 * A copy of `s` that does not share memory with a larger string. Substrings of a decoded
 * 64 KB chunk keep the whole chunk alive; anything stored for the life of a parse goes through here.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
