/**
 * Search terms: a substring (any case) or a `/regex/` run in linear time (RE2JS), the same for
 * the flame trees on the server and the highlights in the browser; an invalid pattern is a 400.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlameQuery } from '../lib/api/schemas';
import { collapse, foldedLines } from '../lib/profile/collapse';
import { columnFlame } from '../lib/profile/flame-views';
import { compileSearch } from '../lib/util/frame-search';
import { CORPUS } from './corpus';
import { parseText, readText } from './helpers';

describe('search terms', () => {
  it('a plain term is a substring of any case; /…/ a regex, case-sensitive unless /…/i', () => {
    expect(compileSearch('GZIP').test('do_gzip_work')).toBe(true);
    expect(compileSearch('/^ext4_.*write/').test('ext4_da_write_begin')).toBe(true);
    expect(compileSearch('/^ext4_.*write/').test('EXT4_da_write_begin')).toBe(false);
    expect(compileSearch('/^ext4_.*write/i').test('EXT4_da_write_begin')).toBe(true);
    expect(compileSearch('/^ext4_.*write/').test('xext4_write')).toBe(false);
  });

  it('an invalid pattern matches nothing and says why; the query schema refuses it', () => {
    const bad = compileSearch('/(unclosed/');
    expect(bad.error).toMatch(/not a valid regular expression/);
    expect(bad.test('(unclosed')).toBe(false);
    const q = FlameQuery.safeParse({ search: '/(unclosed/' });
    expect(q.success).toBe(false);
    expect(q.error?.issues[0]?.message).toMatch(/missing closing \)/);
    expect(FlameQuery.safeParse({ search: '/^vfs_(read|write)$/' }).success).toBe(true);
  });

  it('a pattern that backtracks exponentially in JavaScript runs in linear time', () => {
    // (a+)+$ against a long run of a's ending in b: catastrophic for a backtracking engine.
    expect(compileSearch('/(a+)+b/').test(`${'a'.repeat(200_000)}b`)).toBe(true);
    expect(compileSearch('/^(a+)+$/').test(`${'a'.repeat(200_000)}b`)).toBe(false);
  });

  it('a regex search counts the stacks with a matching frame, as a brute force over the folded lines does', async () => {
    const file = 'real/cluster1/node-b.perf.txt';
    const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
    const trie = collapse(profile, {});
    for (const [term, re] of [
      ['/^vfs_(read|write)$/', /^vfs_(read|write)$/],
      ['/^EXT4_/i', /^ext4_/i],
      ['/constprop/', /constprop/],
    ] as const) {
      let expected = 0;
      for (const line of foldedLines(trie)) {
        const cut = line.lastIndexOf(' ');
        if (line.slice(0, cut).split(';').some((f) => re.test(f))) expected += Number(line.slice(cut + 1));
      }
      expect(expected, term).toBeGreaterThan(0);
      expect(columnFlame(trie, 0, { search: term }).search?.matched, term).toBe(expected);
    }
  });
});
