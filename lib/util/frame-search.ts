/**
 * What a search term matches, the same on the server (flame trees count and mark matches) and
 * in the browser (highlights, filters). A plain term is a case-insensitive substring; a term
 * written `/pattern/` is a regular expression (case-sensitive; `/pattern/i` ignores case), run
 * by RE2JS: linear in the name's length whatever the pattern, so a pathological one such as
 * `(a+)+$` cannot stall a query or the page.
 */
import { RE2JS } from 're2js';

export interface SearchMatcher {
  /** Whether a frame name matches. */
  readonly test: (name: string) => boolean;
  readonly regex: boolean;
  /** Why a `/pattern/` does not compile (it then matches nothing), else null. */
  readonly error: string | null;
}

const REGEX = /^\/(.+)\/(i?)$/s;

export function compileSearch(term: string): SearchMatcher {
  const t = term.trim();
  const m = REGEX.exec(t);
  if (!m) {
    const lower = t.toLowerCase();
    return { test: (name) => name.toLowerCase().includes(lower), regex: false, error: null };
  }
  try {
    const re = RE2JS.compile(m[1] as string, m[2] ? RE2JS.CASE_INSENSITIVE : 0);
    return { test: (name) => re.test(name), regex: true, error: null };
  } catch (err) {
    return { test: () => false, regex: true, error: `not a valid regular expression: ${(err as Error).message}` };
  }
}

/**
 * A frame pattern of a transform: a plain term is one exact name (a clicked frame's), while
 * `/pattern/` (or `/pattern/i`) is an RE2 regular expression, as in search.
 */
export function compileFramePattern(term: string): SearchMatcher {
  const t = term.trim();
  if (REGEX.test(t)) return compileSearch(t);
  return { test: (name) => name === t, regex: false, error: t.length === 0 ? 'an empty frame pattern' : null };
}
