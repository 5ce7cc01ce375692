import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../../tests/corpus';
import { fold, parseBytes, parseText, readText, recordCount } from '../../../tests/helpers';
import { CaptureTooLargeError, parseCapture, ParseError, UnknownFormatError } from '../index';
import { SampleFlag } from '../../profile/types';

const corpus = (p: string) => path.join(CORPUS, p);
const strings = (r: Awaited<ReturnType<typeof parseText>>) => r.profile.strings;

describe('perf script --header', () => {
  it('reads hostname, cmdline, perf version, cpus and events', async () => {
    const r = await parseText(readText(corpus('real/cluster1/node-a.perf.txt')));
    const m = r.profile.meta;
    expect(m.hostname).toBe('cluster1-node-a');
    expect(m.perfVersion).toBe('6.1.187');
    expect(m.nrcpusOnline).toBe(2);
    expect(m.capturedOn).toBe('Thu Nov 26 10:42:28 2026');
    expect(m.cmdline).toContain('perf record -F 997 -g -a');
    expect(m.headerEvents).toEqual(['cpu-clock:ppp']);
    expect(r.profile.samples.length).toBe(5779);
    expect(r.profile.eventTypes).toEqual([{ name: 'cpu-clock:ppp', samples: 5779, weight: 5779 * 1003009, unit: 'ns' }]);
  });

  it('keeps time, pid/tid, cpu, event and period of every sample', async () => {
    const r = await parseText(readText(corpus('real/cluster1/node-a.perf.txt')));
    const { samples, threads, meta } = r.profile;
    // First record: "sh 19037 [000]   843.456599:    1003009 cpu-clock:ppp:"
    expect(meta.clock).toEqual({ kind: 'boot', originSec: 843, originNsOfSec: 456599000 });
    expect(samples.timeNs[0]).toBe(0);
    expect(samples.cpu[0]).toBe(0);
    expect(samples.period[0]).toBe(1003009);
    expect(threads.tid[samples.thread[0] as number]).toBe(19037);
    expect(threads.pid[samples.thread[0] as number]).toBe(-1); // default output prints only the TID
    expect(r.profile.strings[threads.comm[samples.thread[0] as number] as number]).toBe('sh');
    // "time of last sample : 846.361355"
    expect(meta.durationNs).toBe(846361355000 - 843456599000);
  });
});

const FIELDS = `# comm,pid,tid,cpu,time,period,event,ip,sym,dso with a comm that holds spaces and digits
FS Broker 5906  7564/7598 [003] 2574592.949428123:     250000 cycles:u:
\t    7fffb626e1a8 std::vector<int, std::allocator<int> >::push_back(int const&) (/usr/lib/libfoo.so)
\t    7fffb620e2cd operator new(unsigned long) (/usr/lib/libstdc++.so.6)
\t    7fffb620e310 [unknown] (/usr/lib/libbar.so)
\t    7fffb620e311 [unknown] ([unknown])

java 100/101 2574592.950000: cycles:u:
\t    1234 Lcom/example/Foo;::bar (/tmp/perf-100.map)
`;

describe('record and frame lines', () => {
  it('parses -F field sets, comms with spaces and digits, and C++ symbols', async () => {
    const r = await parseText(FIELDS);
    const { samples, threads } = r.profile;
    expect(samples.length).toBe(2);
    const t0 = samples.thread[0] as number;
    expect(strings(r)[threads.comm[t0] as number]).toBe('FS Broker 5906');
    expect([threads.pid[t0], threads.tid[t0]]).toEqual([7564, 7598]);
    expect(samples.cpu[0]).toBe(3);
    expect(samples.period[0]).toBe(250000);
    expect(samples.cpu[1]).toBe(-1); // no cpu column
    expect(samples.period[1]).toBe(0); // no period field
    expect(samples.weight[1]).toBe(1);
    expect((samples.timeNs[1] as number) - (samples.timeNs[0] as number)).toBe(950000000 - 949428123);
    expect(fold(r, { pid: true })).toEqual([
      'FS_Broker_5906-7564;[unknown];[libbar.so];operator new;std::vector<int, std::allocator<int> >::push_back 250000',
      'java-100;com/example/Foo:::bar 1',
    ]);
    expect(fold(r, { addrs: true, event: 'cycles:u' })[0]).toContain('[unknown <7fffb620e311>];[libbar.so <7fffb620e310>]');
    expect(fold(r, { jit: true })[1]).toBe('java;com/example/Foo:::bar_[j] 1');
  });

  it('treats CRLF line ends like LF', async () => {
    const text = readText(corpus('real/cluster1/node-c.perf.txt'));
    const lf = fold(await parseText(text));
    const crlf = fold(await parseText(text.replaceAll('\n', '\r\n')));
    expect(crlf).toEqual(lf);
    expect(lf.length).toBe(261);
  });

  it('detects gzip by its magic bytes, whatever the name, and reports corrupt gzip', async () => {
    const text = readText(corpus('real/cluster1/node-c.perf.txt'));
    const gz = gzipSync(Buffer.from(text));
    const r = await parseBytes(new Uint8Array(gz), 'capture.txt', [1, 3, 1000]);
    expect(r.stats.gzip).toBe(true);
    expect(fold(r)).toEqual(fold(await parseText(text)));
    const broken = new Uint8Array(gz.subarray(0, gz.length / 2));
    await expect(parseBytes(broken, 'broken.gz')).rejects.toBeInstanceOf(ParseError);
  });

  it('reads a stack that sits on the record line (perf record without -g) and right-aligned comms', async () => {
    const r = await parseText(readText(corpus('inferno-tests/collapse-perf/single-line-stacks.txt')));
    expect(fold(r)).toEqual(['false;[unknown] 1', 'false;_dl_start 1']);
  });

  it('keeps `:-1 -1` records of exiting threads in the model and leaves them out of stacks, like Perl', async () => {
    const r = await parseText(readText(corpus('real/extras/thread-exit.tp.perf.txt')));
    const { samples, threads } = r.profile;
    let exiting = 0;
    for (let i = 0; i < samples.length; i++) if ((threads.tid[samples.thread[i] as number] as number) < 0 && ((samples.flags[i] as number) & SampleFlag.Derived) === 0) exiting++;
    expect(exiting).toBe(80);
    expect(recordCount(r.profile)).toBe(857);
    const folded = fold(r);
    expect(folded.some((l) => l.startsWith(':-1'))).toBe(false);
    expect(folded.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(857 - 80);
  });

  it('names tracepoint events and marks their samples as unfilterable for Perl', async () => {
    const r = await parseText(readText(corpus('real/cluster1/node-a.tp.perf.txt')));
    expect(Object.fromEntries(r.profile.eventTypes.map((e) => [e.name, e.samples]))).toEqual({
      'sched:sched_switch': 345,
      'raw_syscalls:sys_enter': 889,
      'raw_syscalls:sys_exit': 889,
      // Derived from the switches (tests/sched-truth.test.ts), never folded by default.
      'off-cpu': 277,
    });
    expect(r.profile.eventTypes.filter((e) => e.derived).map((e) => e.name)).toEqual(['off-cpu']);
    expect(r.profile.samples.flags[0]).toBe(SampleFlag.PerlUnfilterable);
    // stackcollapse-perf.pl merges all three; naming an event selects exactly that one.
    const all = fold(r).reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const sw = fold(r, { event: 'sched:sched_switch' }).reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect([all, sw]).toEqual([2123, 345]);
  });

  it('keeps only the first event by default and selects others by name (cycles + instructions)', async () => {
    const r = await parseText(readText(corpus('flamegraph-tests/test/perf-cycles-instructions-01.txt')));
    expect(r.profile.eventTypes.map((e) => e.name).sort()).toEqual(['cycles', 'instructions']);
    const def = fold(r);
    const ins = fold(r, { event: 'instructions' });
    const cyc = fold(r, { event: 'cycles' });
    expect(def).toEqual(ins);
    expect(cyc).not.toEqual(ins);
    expect(cyc.length).toBeGreaterThan(0);
  });

  it('sorts samples of pasted-together recordings by time', async () => {
    const text = readText(corpus('real/cluster1/node-c.perf.txt'));
    const r = await parseText(text + '\n' + text);
    const t = r.profile.samples.timeNs;
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThanOrEqual(t[i - 1] as number);
    expect(r.profile.samples.length).toBe(2 * 3633);
  });

  it('warns with line numbers about lines it cannot read, and keeps going', async () => {
    const r = await parseText(readText(corpus('inferno-tests/collapse-perf/weird-stack-line.txt')));
    expect(r.profile.meta.warningCount).toBe(1);
    expect(r.profile.meta.warnings[0]).toEqual({ line: 5, message: 'unrecognized stack line' });
  });

  it('cuts callchains deeper than the cap, with a warning', async () => {
    const frames = Array.from({ length: 1500 }, (_, i) => `\t${(0x1000 + i).toString(16)} f${i} (/bin/x)`).join('\n');
    const r = await parseText(`x 1 [000] 1.000000: 1 cycles:\n${frames}\n\n`);
    expect(r.profile.meta.warnings[0]?.message).toBe('callchain of 1500 frames cut to 1024: the 476 outermost were dropped');
    expect(fold(r)[0]?.split(';').length).toBe(1025);
  });
});

describe('bad input', () => {
  it('rejects what is not a capture, with its first line', async () => {
    await expect(parseText(readText(corpus('inferno-tests/collapse-guess/unknown-format.txt')), 'unknown.txt')).rejects.toThrow(UnknownFormatError);
    await expect(parseText('{"json": true}\n', 'x.json')).rejects.toThrow(/not a supported capture format.*json/);
    await expect(parseBytes(new Uint8Array([0, 1, 2, 3, 255, 254]), 'bin')).rejects.toThrow(UnknownFormatError);
  });

  it('enforces the size limit after decompression (gzip bombs)', async () => {
    const big = gzipSync(Buffer.alloc(5_000_000, 'main;work 1\n'));
    await expect(parseCapture([new Uint8Array(big)], { file: 'bomb.gz', maxBytes: 1_000_000 })).rejects.toBeInstanceOf(CaptureTooLargeError);
  });

  it('refuses a line longer than 16 MiB instead of buffering it', async () => {
    const chunk = new Uint8Array(1 << 20).fill(97);
    const source = (function* () {
      for (let i = 0; i < 20; i++) yield chunk;
    })();
    await expect(parseCapture(source, { file: 'oneline' })).rejects.toThrow(/longer than/);
  });

  it('parses an empty capture as zero samples', async () => {
    const r = await parseText('');
    expect(r.profile.samples.length).toBe(0);
    expect(r.format.id).toBe('perf-script');
  });
});
