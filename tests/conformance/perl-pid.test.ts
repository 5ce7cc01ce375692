/**
 * stackcollapse-perf.pl's process names under --pid/--tid, down to its quirk on the idle task:
 * it reads `comm PID/TID` and, when the TID it read is false in Perl ("0", or absent because
 * perf printed one number), swaps: TID := PID, PID := "?". So `swapper 0/0` folds as
 * `swapper-?` and `swapper-?/0`, and `comm 42` (TID only) as `comm-?` and `comm-?/42`.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../corpus';
import { fold, parseText, readText } from '../helpers';

const record = (head: string, frame: string) => `${head} [000] 100.000001: 1 cpu-clock:\n\tffffffff81000000 ${frame} ([kernel.kallsyms])\n\n`;
const text = [record('swapper     0/0', 'cpu_idle'), record('swapper     0', 'cpu_idle'), record('app   10/11', 'work'), record('app   42', 'work'), record('kworker 7/0', 'work')].join('');

describe('process names under pid and tid, as Perl prints them', () => {
  it('pid', async () => {
    expect(fold(await parseText(text), { pid: true })).toEqual(['app-10;work 1', 'app-?;work 1', 'kworker-?;work 1', 'swapper-?;cpu_idle 2']);
  });
  it('tid', async () => {
    expect(fold(await parseText(text), { tid: true })).toEqual(['app-10/11;work 1', 'app-?/42;work 1', 'kworker-?/7;work 1', 'swapper-?/0;cpu_idle 2']);
  });
  it('FlameGraph example-perf-stacks: swapper 0/0 records never fold as swapper-0', async () => {
    const result = await parseText(readText(path.join(CORPUS, 'flamegraph-tests/example-perf-stacks.txt.gz')));
    const lines = fold(result, { pid: true });
    expect(lines.filter((l) => l.startsWith('swapper-0')).length).toBe(0);
    expect(lines.filter((l) => l.startsWith('swapper-?;')).length).toBeGreaterThan(10);
    expect(fold(result, { tid: true }).filter((l) => /^swapper-\?\/0;/.test(l)).length).toBeGreaterThan(10);
  });
});
