/**
 * Flame graph transforms on hand-built tries (totals kept or removed exactly as each transform
 * says) and on cluster1's captures against brute-force walks of the folded lines.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse, foldedLines } from '../lib/profile/collapse';
import { sandwich } from '../lib/profile/sandwich';
import { applyTransforms } from '../lib/profile/transforms';
import { NodeKind, WeightedTrie } from '../lib/profile/weighted-trie';
import { formatTransforms, parseTransforms } from '../lib/util/transforms';
import { readFileSync } from 'node:fs';
import { CORPUS, foldedCases } from './corpus';
import { parseBytes, parseText, readText } from './helpers';

/**
 * A trie of one column per list of folded lines. A frame written `name@module` has that module;
 * `name!k` is a kernel frame; the first frame of a line is the process.
 */
function trieOf(...columns: string[][]): WeightedTrie {
  const trie = new WeightedTrie();
  for (const lines of columns) {
    trie.beginColumn();
    for (const line of lines) {
      const cut = line.lastIndexOf(' ');
      let node = 0;
      line
        .slice(0, cut)
        .split(';')
        .forEach((frame, depth) => {
          const [nameKind = '', module = ''] = frame.split('@');
          const kernel = nameKind.endsWith('!k');
          const name = kernel ? nameKind.slice(0, -2) : nameKind;
          node = trie.child(node, name, depth === 0 ? NodeKind.process : kernel ? NodeKind.kernel : NodeKind.user, module);
        });
      trie.addSelf(node, Number(line.slice(cut + 1)), 1);
    }
    trie.endColumn();
  }
  return trie;
}

const run = (trie: WeightedTrie, tf: string, column = 0) => foldedLines(applyTransforms(trie, parseTransforms(tf)), column);
const total = (trie: WeightedTrie, tf: string, column = 0) => applyTransforms(trie, parseTransforms(tf)).columns[column]?.total;

describe('transforms on hand-built tries', () => {
  it('drop gives a frame’s time to its parent and moves its callees up (exact name or regex)', () => {
    const t = trieOf(['p;a;cpuidle_enter;x 3', 'p;a;cpuidle_enter 2', 'p;a;b 5', 'p;cpuidle_enter_state;a 1']);
    expect(run(t, 'drop:cpuidle_enter')).toEqual(['p;a 2', 'p;a;b 5', 'p;a;x 3', 'p;cpuidle_enter_state;a 1']);
    expect(run(t, 'drop:/^cpuidle_/')).toEqual(['p;a 3', 'p;a;b 5', 'p;a;x 3']);
    expect(total(t, 'drop:/^cpuidle_/')).toBe(11);
  });

  it('excl removes every stack through a matching frame, with all its time', () => {
    const t = trieOf(['swapper;do_idle;cpuidle 7', 'app;main;f 2', 'app;main;do_idle 1']);
    expect(run(t, 'excl:swapper')).toEqual(['app;main;do_idle 1', 'app;main;f 2']);
    expect(total(t, 'excl:swapper')).toBe(3);
    expect(run(t, 'excl:do_idle')).toEqual(['app;main;f 2']);
  });

  it('focus makes every outermost occurrence a root and drops stacks without it', () => {
    const t = trieOf(['p;a;f;g 3', 'p;f;f;h 2', 'p;a;b 5', 'q;f 1']);
    expect(run(t, 'focus:f')).toEqual(['f 1', 'f;f;h 2', 'f;g 3']);
    expect(total(t, 'focus:f')).toBe(6);
  });

  it('rec collapses direct recursion; rec:NAME also through other frames', () => {
    const t = trieOf(['p;f;f;f;g 2', 'p;f;g;f 1', 'p;f;g;f;h 4']);
    expect(run(t, 'rec')).toEqual(['p;f;g 2', 'p;f;g;f 1', 'p;f;g;f;h 4']);
    expect(run(t, 'rec:f')).toEqual(['p;f 1', 'p;f;g 2', 'p;f;h 4']);
    expect(total(t, 'rec:f')).toBe(7);
  });

  it('mod folds runs of a module’s frames into one; mod:kernel folds kernel runs', () => {
    const t = trieOf(['p;main@app;memcpy@libc.so.6;__memmove@libc.so.6;page_fault!k@[kernel.kallsyms];handle_mm!k@[kernel.kallsyms] 3', 'p;main@app;read@libc.so.6;sys_read!k@[kernel.kallsyms] 2']);
    expect(run(t, 'mod:libc.so.6')).toEqual(['p;main;[libc.so.6];page_fault;handle_mm 3', 'p;main;[libc.so.6];sys_read 2']);
    expect(run(t, 'mod:/^libc/')).toEqual(run(t, 'mod:libc.so.6'));
    expect(run(t, 'mod:kernel')).toEqual(['p;main;memcpy;__memmove;[kernel] 3', 'p;main;read;[kernel] 2']);
  });

  it('unk merges runs of unsymbolised frames into their first', () => {
    const t = trieOf(['p;[unknown];[unknown];[libc.so.6];main;[unknown] 4', 'p;main 1']);
    expect(run(t, 'unk')).toEqual(['p;[unknown];main;[unknown] 4', 'p;main 1']);
  });

  it('hide moves frames under x % of each column into their parent, per column, keeping totals', () => {
    const t = trieOf(['p;a;tiny 5', 'p;a;big 95'], ['p;a;tiny 50', 'p;a;big 50']);
    expect(run(t, 'hide:10', 0)).toEqual(['p;a 5', 'p;a;big 95']);
    expect(run(t, 'hide:10', 1)).toEqual(['p;a;big 50', 'p;a;tiny 50']);
    expect(total(t, 'hide:10', 0)).toBe(100);
  });

  it('stacks in order, keeping every column', () => {
    const t = trieOf(['swapper;idle 5', 'p;f;f;g 3'], ['p;f;g 1', 'q;h 2']);
    const out = applyTransforms(t, parseTransforms('excl:swapper\nrec\nfocus:f'));
    expect(out.columns).toHaveLength(2);
    expect(foldedLines(out, 0)).toEqual(['f;g 3']);
    expect(foldedLines(out, 1)).toEqual(['f;g 1']);
  });

  it('reads and writes its link syntax, and says what is wrong', () => {
    const text = 'focus:f\ndrop:/^cpuidle/i\nexcl:swapper\nrec\nrec:g\nmod:kernel\nunk\nhide:0.5';
    expect(formatTransforms(parseTransforms(text))).toBe(text);
    expect(() => parseTransforms('zap:x')).toThrow(/unknown transform "zap"/);
    expect(() => parseTransforms('hide:80')).toThrow(/at most 50/);
    expect(() => parseTransforms('drop:/(/')).toThrow(/not a valid regular expression/);
    expect(() => parseTransforms('drop:')).toThrow(/needs a frame name/);
    expect(() => parseTransforms(Array(17).fill('rec').join('\n'))).toThrow(/at most 16/);
  });
});

/** Brute force over folded lines: each transform's meaning on one stack at a time. */
function foldedSum(lines: readonly string[], map: (frames: string[]) => string[] | null): string[] {
  const out = new Map<string, number>();
  for (const line of lines) {
    const cut = line.lastIndexOf(' ');
    const frames = map(line.slice(0, cut).split(';'));
    if (!frames || frames.length === 0) continue;
    const key = frames.join(';');
    out.set(key, (out.get(key) ?? 0) + Number(line.slice(cut + 1)));
  }
  return [...out].map(([k, w]) => `${k} ${w}`).sort();
}

describe('transforms on cluster1 against the folded lines', () => {
  it.each(['a', 'b', 'c', 'd'])('node-%s: drop, excl, rec and focus equal a walk of the folded lines', async (n) => {
    const file = `real/cluster1/node-${n}.perf.txt`;
    const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
    const trie = collapse(profile, {});
    const lines = foldedLines(trie);
    const isIdle = (f: string) => /^(cpuidle|intel_idle|do_idle|cpu_startup_entry)/.test(f);
    expect(run(trie, 'drop:/^(cpuidle|intel_idle|do_idle|cpu_startup_entry)/')).toEqual(foldedSum(lines, (fs) => [fs[0] as string, ...fs.slice(1).filter((f) => !isIdle(f))]));
    expect(run(trie, 'excl:/^swapper/')).toEqual(foldedSum(lines, (fs) => (fs.some((f) => f.startsWith('swapper')) ? null : fs)));
    expect(run(trie, 'rec')).toEqual(foldedSum(lines, (fs) => fs.filter((f, i) => i === 0 || f !== fs[i - 1])));
    const fn = 'entry_SYSCALL_64_after_hwframe';
    const focused = run(trie, `focus:${fn}`);
    expect(focused).toEqual(foldedSum(lines, (fs) => (fs.indexOf(fn) > 0 ? fs.slice(fs.indexOf(fn)) : null)));
    // Focus is the sandwich's callee side.
    expect(focused).toEqual(foldedLines(sandwich(trie, 0, fn).callees));
  });
});

describe('transforms on every perf input of the corpus (with --all names)', () => {
  const inputs = [...new Set(foldedCases().map((c) => c.input))];
  const sum = (lines: readonly string[]) => lines.reduce((t, l) => t + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  it.each(inputs.map((f) => [path.relative(CORPUS, f), f]))('%s', async (_, file) => {
    const { profile } = await parseBytes(readFileSync(file), file);
    const trie = collapse(profile, { kernel: true, jit: true });
    const lines = foldedLines(trie);
    const total = sum(lines);
    // Frames whose time goes elsewhere keep the total; removing stacks removes exactly theirs.
    expect(sum(run(trie, 'drop:/_\\[k\\]$/'))).toBeCloseTo(total, 6);
    expect(run(trie, 'drop:/_\\[k\\]$/')).toEqual(foldedSum(lines, (fs) => [fs[0] as string, ...fs.slice(1).filter((f) => !f.endsWith('_[k]'))]));
    expect(run(trie, 'excl:/_\\[k\\]$/')).toEqual(foldedSum(lines, (fs) => (fs.some((f) => f.endsWith('_[k]')) ? null : fs)));
    expect(run(trie, 'rec')).toEqual(foldedSum(lines, (fs) => fs.filter((f, i) => i === 0 || f !== fs[i - 1])));
    for (const tf of ['mod:kernel', 'mod:/\\.so/', 'unk', 'hide:1']) expect(sum(run(trie, tf))).toBeCloseTo(total, 6);
  });
});
