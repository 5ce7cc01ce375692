import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../../tests/corpus';
import { parseBytes, readText } from '../../../tests/helpers';
import { SyscallFlag, type Profile } from '../../profile/types';
import { syscallSummary } from '../../profile/syscalls';
import { ParseError } from '../errors';
import { foldedFormat } from '../folded';
import { detectFormat, FIRST_PAGE_CHARS } from '../index';
import { perfScriptFormat } from '../perf-script';
import { straceFormat } from './index';

const REAL = path.join(CORPUS, 'real/cluster1');
const STRACE_FILES = readdirSync(REAL)
  .filter((f) => /^node-.*\.strace\.txt$/.test(f))
  .sort();
const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

const parseFile = (file: string) => parseBytes(readFileSync(file), path.basename(file), undefined, straceFormat);
const parseString = (text: string) => parseBytes(new TextEncoder().encode(text), 'inline', undefined, straceFormat);

interface Row {
  calls: number;
  errors: number;
  seconds: number;
}

/** `syscall calls errors total_seconds` (our expected summaries). */
function readTsv(file: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const [name, calls, errors, seconds] = line.split('\t');
    rows.set(name as string, { calls: Number(calls), errors: Number(errors), seconds: Number(seconds) });
  }
  return rows;
}

/** strace -c's own table: `% time seconds usecs/call calls [errors] syscall`. */
function readStraceC(file: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || !/^\d/.test(f[0] as string) || f[f.length - 1] === 'total') continue;
    rows.set(f[f.length - 1] as string, { seconds: Number(f[1]), calls: Number(f[3]), errors: f.length === 6 ? Number(f[4]) : 0 });
  }
  return rows;
}

function summary(profile: Profile): Map<string, Row> {
  return new Map(syscallSummary(profile).map((r) => [r.name, { calls: r.calls, errors: r.errors, seconds: r.totalSeconds }]));
}

const str = (p: Profile, i: number) => p.strings[i] as string;
const threadName = (p: Profile, t: number) => `${str(p, p.threads.comm[t] as number)}:${p.threads.pid[t]}/${p.threads.tid[t]}`;
/** Per syscall row: name, flags, errno, ret, duration (ns), start (ns). */
const syscallRows = (p: Profile) =>
  Array.from({ length: p.syscalls.length }, (_, i) => ({
    name: str(p, p.syscalls.name[i] as number),
    flags: p.syscalls.flags[i] as number,
    errno: str(p, p.syscalls.errno[i] as number),
    ret: p.syscalls.ret[i] as number,
    durationNs: p.syscalls.durationNs[i] as number,
    startNs: p.syscalls.startNs[i] as number,
    thread: threadName(p, p.syscalls.thread[i] as number),
  }));
const eventRows = (p: Profile, event: string) => {
  const e = p.eventTypes.findIndex((t) => t.name === event);
  const out: { timeNs: number; thread: string; frame: string; module: string; payload: string }[] = [];
  for (let i = 0; i < p.samples.length; i++) {
    if (p.samples.event[i] !== e) continue;
    const frame = p.stacks.frame[p.samples.stack[i] as number] as number;
    out.push({
      timeNs: p.samples.timeNs[i] as number,
      thread: threadName(p, p.samples.thread[i] as number),
      frame: str(p, p.frames.symbol[frame] as number),
      module: str(p, p.frames.module[frame] as number),
      payload: str(p, p.samples.payload[i] as number),
    });
  }
  return out;
};

describe('strace -f -ttt -T captures of cluster1', () => {
  it('has the four captures', () => {
    expect(STRACE_FILES).toEqual(['node-a.strace.txt', 'node-b.strace.txt', 'node-c.strace.txt', 'node-d.strace.txt']);
  });

  for (const f of STRACE_FILES) {
    const stem = f.slice(0, -'.txt'.length);
    it(`${f}: syscallSummary equals ${stem}.syscalls.tsv and strace -c's own table`, async () => {
      const { profile } = await parseFile(path.join(REAL, f));
      expect(profile.meta.warnings).toEqual([]);
      const got = summary(profile);
      const tsv = readTsv(path.join(REAL, `${stem}.syscalls.tsv`));
      expect([...got.keys()].sort()).toEqual([...tsv.keys()].sort());
      for (const [name, want] of tsv) {
        const row = got.get(name) as Row;
        expect({ name, calls: row.calls, errors: row.errors }).toEqual({ name, calls: want.calls, errors: want.errors });
        expect(Math.abs(row.seconds - want.seconds), name).toBeLessThanOrEqual(want.seconds * 0.01 + 1e-9);
      }
      const straceC = readStraceC(path.join(REAL, f.replace('.strace.txt', '.strace-c.txt')));
      expect(straceC.size).toBe(tsv.size);
      for (const [name, want] of straceC) expect({ name, calls: got.get(name)?.calls, errors: got.get(name)?.errors }).toEqual({ name, calls: want.calls, errors: want.errors });
    });
    // Chunk boundaries (every capture and fixture, whole profile compared): tests/chunking.test.ts.
  }

  it('node-a: one syscall sample per completed call, weighted by its -T time, per process name', async () => {
    const { profile: p } = await parseFile(path.join(REAL, 'node-a.strace.txt'));
    expect(p.meta.format).toBe('strace');
    // First line: "19067 1795689753.594984 execve(...)".
    expect(p.meta.clock).toEqual({ kind: 'epoch', originSec: 1795689753, originNsOfSec: 594984000 });
    expect(p.meta.lines).toBe(254);
    const calls = syscallSummary(p).reduce((n, r) => n + r.calls, 0);
    const seconds = syscallSummary(p).reduce((n, r) => n + r.totalSeconds, 0);
    expect(calls).toBe(245);
    expect(p.eventTypes.map((e) => [e.name, e.samples])).toEqual([
      ['syscall', 245],
      ['exit', 2],
      ['signal', 1],
    ]);
    expect(p.eventTypes[0]?.weight).toBeCloseTo(seconds * 1e9, 0);
    expect(p.eventTypes[p.defaultEvent]?.name).toBe('syscall');
    // sh (19067) vforks 19068, which runs as sh until its execve of gzip succeeds.
    const syscalls = eventRows(p, 'syscall');
    expect(new Set(syscalls.map((s) => s.thread))).toEqual(new Set(['sh:19067/19067', 'sh:19068/19068', 'gzip:19068/19068']));
    expect(syscalls.filter((s) => s.thread === 'gzip:19068/19068' && s.frame === 'execve')).toHaveLength(1);
    expect(new Set(syscalls.map((s) => s.module))).toEqual(new Set(['[syscall]']));
    // The execve is the first row; the vfork pair starts at its unfinished line and lasts its <0.000290>.
    const rows = syscallRows(p);
    expect(rows[0]).toMatchObject({ name: 'execve', startNs: 0, durationNs: 177000, ret: 0, flags: 0, thread: 'sh:19067/19067' });
    expect(rows.find((r) => r.name === 'vfork')).toMatchObject({ startNs: 598725000 - 594984000, durationNs: 290000, ret: 19068, flags: SyscallFlag.Resumed });
    expect(rows.filter((r) => r.name === 'exit_group')).toMatchObject([
      { flags: SyscallFlag.Unfinished, ret: NaN, durationNs: NaN },
      { flags: SyscallFlag.Unfinished, ret: NaN, durationNs: NaN },
    ]);
    expect(rows.find((r) => r.name === 'access')).toMatchObject({ errno: 'ENOENT', ret: -2, flags: SyscallFlag.Error });
  });

  it('a perf script file forced through the strace parser is refused with its line', async () => {
    const bytes = readFileSync(path.join(REAL, 'node-a.perf.txt'));
    const err = await parseBytes(bytes, 'node-a.perf.txt', undefined, straceFormat).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toMatch(/^node-a\.perf\.txt:\d+: no strace output/);
  });
});

describe('hand-written strace fixtures', () => {
  it('-f -ttt -T: resumed without its unfinished half, = ?, ERESTARTSYS, -y, hex, signals, exits, a garbage line', async () => {
    const { profile: p } = await parseFile(fixture('edge.strace.txt'));
    expect(p.meta.warningCount).toBe(1);
    expect(p.meta.warnings[0]?.line).toBe(12);
    expect(p.meta.warnings[0]?.message).toContain('garbage that strace never prints');

    const s = summary(p);
    expect(Object.fromEntries([...s].map(([k, v]) => [k, [v.calls, v.errors]]))).toEqual({
      read: [1, 0],
      openat: [3, 1],
      mmap: [1, 0],
      poll: [1, 0],
      write: [1, 0],
      fcntl: [1, 0],
      clone: [1, 0],
      set_robust_list: [1, 0],
      futex: [1, 1],
      vfork: [1, 0],
      execve: [1, 0],
      wait4: [1, 0],
    });
    expect(s.get('read')?.seconds).toBe(2.5);

    const rows = syscallRows(p);
    // The capture starts when the read that was already running began: 2.5 s before its line.
    expect(p.meta.clock).toEqual({ kind: 'epoch', originSec: 1764153745, originNsOfSec: 600000000 });
    expect(rows[0]).toMatchObject({ name: 'read', startNs: 0, durationNs: 2.5e9, ret: 6, flags: SyscallFlag.Resumed });
    expect(rows.find((r) => r.name === 'mmap')?.ret).toBe(0x7f23f9094000);
    expect(rows.filter((r) => r.name === 'openat').map((r) => [r.ret, r.errno])).toEqual([
      [3, ''],
      [4, ''],
      [-2, 'ENOENT'],
    ]);
    expect(rows.find((r) => r.name === 'poll')).toMatchObject({ ret: 0, durationNs: 10081000 });
    expect(rows.find((r) => r.name === 'write')).toMatchObject({ ret: 12, durationNs: 20000 });
    expect(rows.find((r) => r.name === 'fcntl')?.ret).toBe(0x8000);
    expect(rows.find((r) => r.name === 'futex')).toMatchObject({
      errno: 'ERESTARTSYS',
      ret: NaN,
      durationNs: 501000000,
      flags: SyscallFlag.Resumed | SyscallFlag.Error,
      startNs: 2.5e9 + 11000000,
      thread: 'pid-1001:1001/1002',
    });
    expect(rows.filter((r) => r.flags & SyscallFlag.Unfinished).map((r) => [r.name, r.thread])).toEqual([
      ['clock_nanosleep', 'sleep:1003/1003'],
      ['exit_group', 'pid-1001:1001/1001'],
    ]);
    // Threads: 1002 is a CLONE_THREAD child of 1001; 1003 is vforked, then runs sleep.
    expect(rows.find((r) => r.name === 'set_robust_list')?.thread).toBe('pid-1001:1001/1002');
    expect(rows.find((r) => r.name === 'execve')?.thread).toBe('sleep:1003/1003');

    expect(eventRows(p, 'signal')).toEqual([
      {
        timeNs: 2.5e9 + 511900000,
        thread: 'pid-1001:1001/1001',
        frame: 'SIGCHLD',
        module: '[signal]',
        payload: 'SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=1003, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=0}',
      },
    ]);
    expect(eventRows(p, 'exit').map((e) => [e.thread, e.frame, e.payload])).toEqual([
      ['sleep:1003/1003', 'SIGKILL', 'killed by SIGKILL'],
      ['pid-1001:1001/1002', 'exited', 'exited with 0'],
      ['pid-1001:1001/1001', 'exited', 'exited with 0'],
    ]);
    expect(p.eventTypes[p.defaultEvent]?.name).toBe('syscall');
  });

  it('-tt: time of day on 1970-01-01, across midnight, clock kind none', async () => {
    const { profile: p } = await parseFile(fixture('tt.strace.txt'));
    expect(p.meta.warnings).toEqual([]);
    expect(p.meta.clock).toEqual({ kind: 'none', originSec: 86399, originNsOfSec: 999000000 });
    expect(syscallRows(p).map((r) => [r.name, r.startNs, r.durationNs, r.thread])).toEqual([
      ['execve', 0, 350000, 'cat:4242/4242'],
      ['openat', 500000, 20000, 'cat:4242/4242'],
      ['read', 800000, 100000, 'cat:4242/4242'],
      ['close', 1300000, 5000, 'cat:4242/4242'],
      ['exit_group', 1400000, NaN, 'cat:4242/4242'],
    ]);
    expect(eventRows(p, 'exit').map((e) => e.timeNs)).toEqual([1600000]);
  });

  it('-r without -f: cumulative relative times, one process without a PID', async () => {
    const { profile: p } = await parseFile(fixture('r.strace.txt'));
    expect(p.meta.warnings).toEqual([]);
    expect(p.meta.clock).toEqual({ kind: 'none', originSec: 0, originNsOfSec: 0 });
    expect(syscallRows(p).map((r) => [r.name, r.startNs, r.durationNs, r.ret, r.errno, r.flags, r.thread])).toEqual([
      ['execve', 0, 300000, 0, '', 0, 'true:-1/0'],
      ['brk', 512000, 4000, 0x55d5c9a4e000, '', 0, 'true:-1/0'],
      ['openat', 632000, 9000, -2, 'ENOENT', SyscallFlag.Error, 'true:-1/0'],
      ['exit_group', 1250632000, NaN, NaN, '', SyscallFlag.Unfinished, 'true:-1/0'],
    ]);
    expect(eventRows(p, 'exit').map((e) => [e.timeNs, e.thread])).toEqual([[1250842000, 'true:-1/0']]);
    expect(p.meta.durationNs).toBe(1250842000);
  });

  it('-ttt without -T and without -f: exact ns timestamps, unknown durations weigh 1', async () => {
    const { profile: p } = await parseFile(fixture('nof.strace.txt'));
    expect(p.meta.warnings).toEqual([]);
    expect(p.meta.clock).toEqual({ kind: 'epoch', originSec: 1764153748, originNsOfSec: 123456789 });
    expect(syscallRows(p).map((r) => [r.name, r.startNs, r.durationNs, r.ret])).toEqual([
      ['openat', 0, NaN, 3],
      ['read', 43211, NaN, 20],
      ['read', 143211, NaN, 0],
      ['close', 243211, NaN, 0],
    ]);
    expect(summary(p).get('read')).toEqual({ calls: 2, errors: 0, seconds: 0 });
    const syscalls = p.eventTypes.find((e) => e.name === 'syscall');
    expect(syscalls).toEqual({ name: 'syscall', samples: 4, weight: 4, unit: 'samples' });
    expect(eventRows(p, 'signal').map((e) => [e.frame, e.thread])).toEqual([['SIGINT', 'pid-?:-1/0']]);
    expect(eventRows(p, 'exit').map((e) => [e.frame, e.payload])).toEqual([['SIGINT', 'killed by SIGINT']]);
  });

  it('strace -f to a terminal: [pid N] prefixes, "strace: Process N attached" inside a line', async () => {
    const { profile: p } = await parseFile(fixture('pid-prefix.strace.txt'));
    expect(p.meta.warnings).toEqual([]);
    expect(syscallRows(p).map((r) => [r.name, r.thread, r.flags])).toEqual([
      ['execve', 'sh:-1/0', 0],
      ['getpid', 'sh:-1/0', 0],
      // vfork started on an unprefixed line and resumed as [pid 2001]: the unprefixed process is 2001.
      ['vfork', 'sh:2001/2001', SyscallFlag.Resumed],
      ['execve', 'true:2002/2002', SyscallFlag.Resumed],
      ['wait4', 'sh:2001/2001', SyscallFlag.Resumed],
      ['exit_group', 'true:2002/2002', SyscallFlag.Unfinished],
      ['exit_group', 'pid-2003:2003/2003', SyscallFlag.Unfinished],
      ['exit_group', 'sh:2001/2001', SyscallFlag.Unfinished],
    ]);
    expect(syscallRows(p)[2]).toMatchObject({ startNs: 2000000, durationNs: 200000, ret: 2002 });
  });

  it('lines without timestamps, -i and -n fields, and the appended strace -c table', async () => {
    const { profile: p } = await parseString(
      [
        '[00007f3a1c2b4e5b] [  257] openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3 <0.000011>',
        'close(3)                                = 0 <0.000008>',
        '% time     seconds  usecs/call     calls    errors syscall',
        '------ ----------- ----------- --------- --------- ----------------',
        ' 57.89    0.000011          11         1           openat',
        ' 42.11    0.000008           8         1           close',
        '------ ----------- ----------- --------- --------- ----------------',
        '100.00    0.000019           9         2           total',
        '',
      ].join('\n'),
    );
    expect(p.meta.warnings).toEqual([]);
    expect(syscallRows(p).map((r) => [r.name, r.ret, r.durationNs])).toEqual([
      ['openat', 3, 11000],
      ['close', 0, 8000],
    ]);
    expect(p.samples.length).toBe(2);
  });

  it('-Y: process names printed beside the PID', async () => {
    const { profile: p } = await parseString(
      [
        '1234<sh>  1764153748.000001 execve("/usr/bin/gzip", ["gzip"], 0x7ffd2c3e5a48 /* 3 vars */) = 0 <0.000100>',
        '1234<gzip> 1764153748.000200 read(0, "", 4096) = 0 <0.000010>',
        '[pid 1235<worker>] 1764153748.000300 getpid() = 1234 <0.000002>',
        '',
      ].join('\n'),
    );
    expect(p.meta.warnings).toEqual([]);
    expect(syscallRows(p).map((r) => [r.name, r.thread])).toEqual([
      ['execve', 'gzip:1234/1234'],
      ['read', 'gzip:1234/1234'],
      ['getpid', 'worker:1235/1235'],
    ]);
  });
});

describe('sniffing', () => {
  const FORMATS = [perfScriptFormat, straceFormat, foldedFormat];
  const firstPage = (file: string) => {
    const text = readText(file).slice(0, FIRST_PAGE_CHARS);
    const lines = text.split('\n');
    if (text.length === FIRST_PAGE_CHARS) lines.pop();
    return lines;
  };

  for (const f of STRACE_FILES) {
    it(`${f} is strace`, () => {
      expect(straceFormat.sniff(firstPage(path.join(REAL, f)))).toBe('yes');
      expect(detectFormat(firstPage(path.join(REAL, f)), FORMATS)?.id).toBe('strace');
    });
  }

  for (const f of ['edge.strace.txt', 'tt.strace.txt', 'r.strace.txt', 'nof.strace.txt', 'pid-prefix.strace.txt'])
    it(`fixture ${f} is strace`, () => expect(detectFormat(firstPage(fixture(f)), FORMATS)?.id).toBe('strace'));

  const others = readdirSync(REAL)
    .filter((f) => /\.(perf|ftrace|ftrace-syscalls|trace-cmd)\.txt$|\.folded$|strace-c\.txt$|\.gz$/.test(f))
    .sort();
  for (const f of others) {
    it(`${f} is not strace`, () => {
      const lines = firstPage(path.join(REAL, f));
      expect(straceFormat.sniff(lines)).toBe('no');
      const picked = detectFormat(lines, FORMATS)?.id;
      if (/\.perf\.txt(\.gz)?$/.test(f)) expect(picked).toBe('perf-script');
      else expect(picked).not.toBe('strace');
    });
  }
});
