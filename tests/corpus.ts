/**
 * The shared corpus (../shared/corpus) as test cases: every perf script input that has an
 * expected folded output, with the options that produced it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NamingOptions } from '../lib/profile/collapse';

/**
 * The shared corpus: TRACEFLEET_CORPUS, else ../shared/corpus beside the checkout (where it
 * lives on these machines), else /work/shared/corpus (a clone made elsewhere).
 */
export const CORPUS = [process.env.TRACEFLEET_CORPUS, path.resolve(__dirname, '../../shared/corpus'), '/work/shared/corpus'].find(
  (p): p is string => !!p && existsSync(p),
) ?? path.resolve(__dirname, '../../shared/corpus');

export type Option = 'default' | 'pid' | 'tid' | 'kernel' | 'jit' | 'all' | 'addrs';

export interface FoldedCase {
  /** Short id for test names. */
  id: string;
  input: string;
  option: Option;
  expected: string;
  /** Who produced the expected file. */
  reference: 'perl' | 'inferno' | 'flamegraph-upstream';
}

export function namingOptions(option: Option): NamingOptions {
  switch (option) {
    case 'default':
      return {};
    case 'all':
      return { kernel: true, jit: true };
    default:
      return { [option]: true };
  }
}

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

export function foldedCases(): FoldedCase[] {
  const out: FoldedCase[] = [];
  const c = (p: string) => path.join(CORPUS, p);

  // FlameGraph's own test suite: upstream results and what the script prints at HEAD.
  for (const f of files(c('flamegraph-tests/test')).filter((f) => f.endsWith('.txt'))) {
    const stem = f.slice(0, -4);
    for (const option of ['default', 'pid', 'tid', 'kernel', 'jit', 'all', 'addrs'] as Option[]) {
      const head = c(`flamegraph-tests/generated-at-HEAD/${stem}-collapsed-${option}.txt`);
      if (existsSync(head)) out.push({ id: `flamegraph/${stem} --${option}`, input: c(`flamegraph-tests/test/${f}`), option, expected: head, reference: 'perl' });
      const upstream = c(`flamegraph-tests/test/results/${stem}-collapsed-${option}.txt`);
      if (existsSync(upstream))
        out.push({ id: `flamegraph-upstream/${stem} --${option}`, input: c(`flamegraph-tests/test/${f}`), option, expected: upstream, reference: 'flamegraph-upstream' });
    }
  }
  for (const option of ['default', 'all'] as Option[])
    out.push({
      id: `flamegraph/example-perf-stacks.gz --${option}`,
      input: c('flamegraph-tests/example-perf-stacks.txt.gz'),
      option,
      expected: c(`flamegraph-tests/generated-at-HEAD/example-perf-stacks-collapsed-${option}.txt`),
      reference: 'perl',
    });

  // inferno: Perl's output for every input, and inferno's own expectations.
  for (const f of files(c('inferno-tests/generated-flamegraph-HEAD'))) {
    const m = /^(.*)-collapsed-(\w+)\.txt$/.exec(f);
    if (!m) continue;
    out.push({ id: `inferno/${m[1]} --${m[2]} (perl)`, input: c(`inferno-tests/collapse-perf/${m[1]}.txt`), option: m[2] as Option, expected: c(`inferno-tests/generated-flamegraph-HEAD/${f}`), reference: 'perl' });
  }
  for (const f of files(c('inferno-tests/collapse-perf/results'))) {
    const m = /^(.*)-collapsed(?:-(\w+))?\.txt$/.exec(f);
    if (!m) continue;
    const stem = m[1] as string;
    const input = existsSync(c(`inferno-tests/collapse-perf/${stem}.txt`)) ? c(`inferno-tests/collapse-perf/${stem}.txt`) : c(`flamegraph-tests/test/${stem}.txt`);
    out.push({ id: `inferno/${stem} --${m[2] ?? 'default'} (inferno)`, input, option: (m[2] ?? 'default') as Option, expected: c(`inferno-tests/collapse-perf/results/${f}`), reference: 'inferno' });
  }

  // speedscope, FlameScope, Firefox Profiler: Perl at HEAD, default and --all.
  const generated = (dir: string, inputOf: (stem: string) => string) => {
    for (const f of files(c(dir))) {
      const all = f.endsWith('.all.folded');
      const stem = f.slice(0, all ? -'.all.folded'.length : -'.folded'.length);
      out.push({ id: `${dir.split('/')[0]}/${stem} --${all ? 'all' : 'default'}`, input: inputOf(stem), option: all ? 'all' : 'default', expected: c(`${dir}/${f}`), reference: 'perl' });
    }
  };
  generated('speedscope/generated-flamegraph-HEAD', (s) => c(`speedscope/sample/profiles/linux-perf/${s}.txt`));
  generated('flamescope/generated-flamegraph-HEAD', (s) => c(`flamescope/examples/${s}`));
  generated('firefox-profiler/generated-flamegraph-HEAD', (s) => c(`firefox-profiler/src/test/fixtures/upgrades/${s}.gz`));

  // Real captures made for this project.
  for (const dir of ['real/cluster1', 'real/extras']) {
    for (const f of files(c(dir)).filter((f) => f.endsWith('.folded'))) {
      const all = f.endsWith('.all.folded');
      const stem = f.slice(0, all ? -'.all.folded'.length : -'.folded'.length);
      const option: Option = all ? 'all' : 'default';
      out.push({ id: `${dir}/${stem} --${option}`, input: c(`${dir}/${stem}.txt`), option, expected: c(`${dir}/${f}`), reference: 'perl' });
      if (existsSync(c(`${dir}/${stem}.txt.gz`)))
        out.push({ id: `${dir}/${stem}.gz --${option}`, input: c(`${dir}/${stem}.txt.gz`), option, expected: c(`${dir}/${f}`), reference: 'perl' });
    }
  }
  return out;
}

export function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
}
