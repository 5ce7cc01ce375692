import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../../tests/corpus';
import { fold, parseText, readText } from '../../../tests/helpers';
import { syscallSummary } from '../../profile/syscalls';
import { SampleFlag, UNKNOWN_THREAD, type Profile } from '../../profile/types';
import { recordCount } from '../../../tests/helpers';
import { foldedFormat } from '../folded';
import type { CaptureFormat } from '../format';
import { detectFormat, type ParseResult } from '../index';
import { perfScriptFormat } from '../perf-script';
import { straceFormat } from '../strace';
import { ftraceFormat, traceCmdFormat } from './index';

const CLUSTER1 = path.join(CORPUS, 'real/cluster1');
const FIXTURES = path.join(__dirname, 'fixtures');
const CANDIDATES = [perfScriptFormat, ftraceFormat, traceCmdFormat, foldedFormat];

const formatOf = (file: string): CaptureFormat => (file.includes('trace-cmd') ? traceCmdFormat : ftraceFormat);
const parseFile = (file: string): Promise<ParseResult> => parseText(readText(file), path.basename(file), formatOf(file));
const fixture = (name: string): Promise<ParseResult> => parseFile(path.join(FIXTURES, name));

function eventCounts(p: Profile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of p.eventTypes) if (e.samples > 0 && !e.derived) out[e.name] = e.samples;
  return out;
}

function commOf(p: Profile, thread: number): string {
  return p.strings[p.threads.comm[thread] as number] as string;
}

/** CPU slices as `cpu start-end comm-tid` (`?` when unknown), by CPU then start. */
function slicesOf(p: Profile): string[] {
  const out: string[] = [];
  const rows = Array.from({ length: p.sched.length }, (_, i) => i).sort((a, b) => (p.sched.cpu[a] as number) - (p.sched.cpu[b] as number) || (p.sched.startNs[a] as number) - (p.sched.startNs[b] as number));
  for (const i of rows) {
    const th = p.sched.thread[i] as number;
    const who = th === UNKNOWN_THREAD ? '?' : `${commOf(p, th)}-${p.threads.tid[th]}`;
    out.push(`${p.sched.cpu[i]} ${p.sched.startNs[i]}-${p.sched.endNs[i]} ${who}`);
  }
  return out;
}

function samplesPerComm(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    if ((p.samples.flags[i] as number) & SampleFlag.Derived) continue;
    const comm = commOf(p, p.samples.thread[i] as number);
    out.set(comm, (out.get(comm) ?? 0) + 1);
  }
  return out;
}

/** Records of a tracefs / trace-cmd file, read independently of the parser with a plain regex. */
const RECORD = /-(\d+)\s+(?:\([\s\d-]+\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+)\.(\d+):\s+(.*)$/;
interface RawRecord {
  tid: number;
  cpu: number;
  ns: number;
  body: string;
}
function rawRecords(text: string): RawRecord[] {
  const out: RawRecord[] = [];
  for (const line of text.split('\n')) {
    const m = RECORD.exec(line);
    if (!m) continue;
    const frac = m[4] as string;
    out.push({ tid: Number(m[1]), cpu: Number(m[2]), ns: Number(m[3]) * 1e9 + Number(frac.padEnd(9, '0')), body: m[5] as string });
  }
  return out;
}

// ../shared/corpus/real/README.md, table "cluster1/": events per name and the busiest tasks.
const README: Record<string, { events: Record<string, number>; total: number; tasks: Record<string, number> }> = {
  'node-a.ftrace.txt': {
    events: { sys_exit: 900, sys_enter: 900, sched_switch: 255, sched_wakeup: 193 },
    total: 2248,
    tasks: { Compositor: 571, gzip: 361, VizCompositorTh: 358, Chrome_ChildIOT: 258 },
  },
  'node-b.ftrace-syscalls.txt': {
    events: { sched_switch: 75, sched_wakeup: 47 },
    total: 8003,
    tasks: { dd: 4257, sh: 1220, cat: 1123, rm: 433 },
  },
  'node-b.ftrace.txt': {
    events: { sys_exit: 40381, sys_enter: 40379, sched_switch: 217, sched_wakeup: 128 },
    total: 81105,
    tasks: { dd: 32264, find: 29227, stat: 9847, sh: 3928 },
  },
  'node-b.trace-cmd.txt': {
    events: {
      sys_exit: 3963,
      sys_enter: 3963,
      sched_stat_runtime: 109,
      sched_switch: 90,
      sched_waking: 55,
      sched_wakeup: 55,
      sched_process_wait: 11,
      sched_migrate_task: 11,
      sched_process_fork: 6,
      sched_wakeup_new: 6,
      sched_prepare_exec: 6,
      sched_process_exec: 6,
      sched_process_exit: 6,
      sched_process_free: 3,
    },
    total: 8290,
    tasks: { dd: 4275, sh: 1277, cat: 1131, rm: 438 },
  },
  'node-c.ftrace.txt': {
    events: { sys_exit: 3993, sys_enter: 3993, sched_switch: 498, sched_wakeup: 317 },
    total: 8801,
    tasks: { sort: 4744, sha256sum: 2545, Compositor: 341, '<idle>': 320 },
  },
  'node-c.trace-cmd.txt': {
    events: {
      sys_exit: 4031,
      sys_enter: 4031,
      sched_switch: 601,
      sched_stat_runtime: 555,
      sched_waking: 376,
      sched_wakeup: 374,
      sched_migrate_task: 41,
      sched_process_wait: 10,
      sched_wake_idle_without_ipi: 9,
      sched_process_fork: 6,
      sched_wakeup_new: 6,
      sched_prepare_exec: 6,
      sched_process_exec: 6,
      sched_process_exit: 6,
      sched_process_free: 4,
    },
    total: 10062,
    tasks: { sort: 5085, sha256sum: 2892, Compositor: 524, '<idle>': 451 },
  },
  'node-d.ftrace.txt': {
    events: { sys_exit: 1467, sys_enter: 1467, sched_switch: 555, sched_wakeup: 361 },
    total: 3850,
    tasks: { Compositor: 953, chromium: 636, gzip: 508, VizCompositorTh: 488 },
  },
};

describe('real ftrace and trace-cmd captures', () => {
  it('covers every ftrace / trace-cmd file of cluster1', () => {
    const files = readdirSync(CLUSTER1).filter((f) => /\.(ftrace|ftrace-syscalls|trace-cmd)\.txt$/.test(f));
    expect(files.sort()).toEqual(Object.keys(README).sort());
  });

  for (const [file, expected] of Object.entries(README)) {
    describe(file, () => {
      const full = path.join(CLUSTER1, file);

      it('ingests with no warnings; sample counts per event and per task match the README', async () => {
        const { profile: p, format } = await parseFile(full);
        expect(format.id).toBe(formatOf(file).id);
        expect(p.meta.warningCount).toBe(0);
        expect(p.meta.nrcpusOnline).toBe(2);
        expect(recordCount(p)).toBe(expected.total);
        const counts = eventCounts(p);
        if (file === 'node-b.ftrace-syscalls.txt') {
          // syscalls:* events print as `sys_openat(…)` / `sys_openat -> 0x3`: one event type per syscall and direction.
          const syscalls = Object.entries(counts).filter(([n]) => /^sys_(enter|exit)_/.test(n));
          expect(syscalls.reduce((s, [, c]) => s + c, 0)).toBe(7881);
          expect(counts.sys_enter_openat).toBe(272);
          expect(counts.sys_exit_openat).toBe(272);
          expect(Object.fromEntries(Object.entries(counts).filter(([n]) => !n.startsWith('sys_')))).toEqual(expected.events);
        } else {
          expect(counts).toEqual(expected.events);
        }
        const perComm = samplesPerComm(p);
        for (const [comm, n] of Object.entries(expected.tasks)) expect(perComm.get(comm), comm).toBe(n);
      });

      it('spans from the first to the last timestamp of the file', async () => {
        const { profile: p } = await parseFile(full);
        const times = rawRecords(readText(full)).map((r) => r.ns);
        expect(times.length).toBe(expected.total);
        expect(p.meta.durationNs).toBe(Math.max(...times) - Math.min(...times));
        expect(p.meta.clock.kind).toBe('boot');
        expect(p.meta.clock.originSec * 1e9 + p.meta.clock.originNsOfSec).toBe(Math.min(...times));
      });
    });
  }

  // Syscall pairing, CPU slices, off-CPU time and scheduler latency against the raw text: tests/sched-truth.test.ts.

  // Chunk boundaries (every corpus capture and fixture, whole profile compared): tests/chunking.test.ts.
});

describe('sniffing', () => {
  const firstPage = (text: string): string[] => {
    const page = text.slice(0, 64 * 1024);
    const lines = page.split('\n');
    if (page.length === 64 * 1024) lines.pop();
    return lines;
  };
  const expectedFormat = (file: string): string | null => {
    if (/\.(ftrace|ftrace-syscalls)\.txt$/.test(file)) return 'ftrace';
    if (file.endsWith('.trace-cmd.txt')) return 'trace-cmd';
    if (/\.perf\.txt(\.gz)?$/.test(file)) return 'perf-script';
    if (file.endsWith('.folded')) return 'folded';
    return null;
  };

  it('picks the right format for every real capture', () => {
    const dirs = [CLUSTER1, path.join(CORPUS, 'real/extras')].filter((d) => existsSync(d));
    let checked = 0;
    for (const dir of dirs) {
      for (const file of readdirSync(dir).sort()) {
        if (!/\.(txt|gz|folded)$/.test(file)) continue;
        const got = detectFormat(firstPage(readText(path.join(dir, file))), CANDIDATES)?.id ?? null;
        const want = expectedFormat(file);
        if (want) expect(got, file).toBe(want);
        else expect(['ftrace', 'trace-cmd', 'perf-script'], file).not.toContain(got);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('still picks the right format with the strace parser among the candidates', () => {
    const all = [perfScriptFormat, straceFormat, ftraceFormat, traceCmdFormat, foldedFormat];
    for (const file of readdirSync(CLUSTER1).sort()) {
      if (!/\.(txt|gz|folded)$/.test(file) || file.endsWith('strace-c.txt')) continue;
      const want = file.endsWith('.strace.txt') ? 'strace' : expectedFormat(file);
      expect(detectFormat(firstPage(readText(path.join(CLUSTER1, file))), all)?.id ?? null, file).toBe(want);
    }
  });

  it('says no to perf script, strace and folded stacks', () => {
    for (const file of ['node-a.perf.txt', 'node-a.tp.perf.txt', 'node-a.strace.txt', 'node-b.strace.txt', 'node-a.perf.folded', 'node-a.strace-c.txt']) {
      const lines = firstPage(readText(path.join(CLUSTER1, file)));
      expect(ftraceFormat.sniff(lines), file).toBe('no');
      expect(traceCmdFormat.sniff(lines), file).toBe('no');
    }
  });

  it('picks the right format for every fixture, and for trace_pipe text without a header', () => {
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'))) {
      const got = detectFormat(firstPage(readText(path.join(FIXTURES, file))), CANDIDATES)?.id;
      expect(got, file).toBe(file.startsWith('trace-cmd') ? 'trace-cmd' : 'ftrace');
    }
    const pipe = readText(path.join(CLUSTER1, 'node-a.ftrace.txt'))
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    expect(detectFormat(pipe.slice(0, 100), CANDIDATES)?.id).toBe('ftrace');
    const graphPipe = readText(path.join(FIXTURES, 'function-graph.txt'))
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    expect(detectFormat(graphPipe, CANDIDATES)?.id).toBe('ftrace');
  });
});

describe('function tracer', () => {
  it('makes a two-frame stack (parent → function) per line, kernel frames, comms with spaces and dashes', async () => {
    const r = await fixture('function.txt');
    const p = r.profile;
    expect(p.meta.warningCount).toBe(0);
    expect(p.meta.nrcpusOnline).toBe(2);
    expect(eventCounts(p)).toEqual({ function: 8 });
    expect(fold(r)).toEqual([
      '<idle>;do_idle;rcu_idle_enter 1',
      '<idle>;do_idle;tick_nohz_idle_stop_tick 1',
      'Web_Content;ksys_read;vfs_read 2',
      'Web_Content;vfs_read;rw_verify_area 1',
      'kworker/0:1;worker_thread;process_one_work 1',
      'systemd-journal;nft_do_chain_ipv4;nft_do_chain 1',
      'systemd-journal;vfs_write;ext4_file_write_iter 1',
    ]);
    expect(fold(r, { kernel: true })[0]).toBe('<idle>;do_idle_[k];rcu_idle_enter_[k] 1');
    const threads = new Set<string>();
    for (let i = 0; i < p.samples.length; i++) {
      const t = p.samples.thread[i] as number;
      threads.add(`${commOf(p, t)}/${p.threads.pid[t]}/${p.threads.tid[t]}@${p.samples.cpu[i]}`);
    }
    expect([...threads].sort()).toEqual(['<idle>/-1/0@1', 'Web Content/-1/4567@0', 'kworker/0:1/-1/123@1', 'systemd-journal/-1/312@0']);
    const modules = new Set(Array.from(p.frames.module, (m) => p.strings[m]));
    expect([...modules].sort()).toEqual(['[kernel.kallsyms]', '[nf_tables]']);
    // Relative times in ns from the first record (µs timestamps).
    expect(Array.from(p.samples.timeNs)).toEqual([0, 1000, 3000, 4000, 5000, 8000, 10000, 11000]);
  });

  it('reads the tgid column (record-tgid, `(-----)` when unknown) and 4-character flags of older kernels', async () => {
    const r = await fixture('function-tgid-4.19.txt');
    const p = r.profile;
    expect(p.meta.warningCount).toBe(0);
    expect(p.meta.nrcpusOnline).toBe(4);
    expect(fold(r, { pid: true })).toEqual([
      '<...>-?;__x64_sys_openat;do_sys_open 1',
      'Chrome_ChildIOT-2190;smp_apic_timer_interrupt;irq_enter 1',
      'bash-1977;__x64_sys_openat;do_sys_open 1',
      'bash-1977;do_sys_open;getname 1',
    ]);
    expect(fold(r, { tid: true })[1]).toBe('Chrome_ChildIOT-2190/2210;smp_apic_timer_interrupt;irq_enter 1');
  });

  it('reads trace-cmd `func <-- parent` records and attaches `kernel_stack` frames to the event before them', async () => {
    const r = await fixture('trace-cmd-function-stack.txt');
    const p = r.profile;
    expect(r.format.id).toBe('trace-cmd');
    expect(p.meta.warningCount).toBe(0);
    expect(eventCounts(p)).toEqual({ function: 4, sched_switch: 1 });
    expect(fold(r)).toEqual([
      '<idle>;cpu_startup_entry;do_idle 1',
      'sshd;[[kernel.kallsyms]];do_select;schedule_hrtimeout_range_clock;schedule;__schedule 1',
      'sshd;sock_sendmsg;tcp_sendmsg 1',
      'sshd;tcp_sendmsg;lock_sock_nested 1',
      'sshd;tcp_sendmsg;tcp_sendmsg_locked 1',
    ]);
    expect(fold(r, { addrs: true })[1]).toContain('[[kernel.kallsyms] <ffffffffc0a1b2c3>];do_select');
    // trace-cmd's compact sched_switch still makes CPU slices: sshd from its first record to its
    // switch, then idle; CPU 1 has one record, at the very end, so it is unknown until then.
    expect(slicesOf(p)).toEqual(['0 0-9000 sshd-812', '0 9000-12000 swapper/0-0', '1 0-12000 ?']);
  });
});

describe('function_graph', () => {
  it('turns nested calls into call-path samples weighted by self time (ns)', async () => {
    const r = await fixture('function-graph.txt');
    const p = r.profile;
    expect(eventCounts(p)).toEqual({ function_graph: 21 });
    expect(fold(r)).toEqual([
      '<idle>;do_idle;default_idle_call 152304',
      // CPU 1 starts inside three calls (the ring buffer lost their entries); the kernel names
      // the returns. The task is known from the CPU's first context-switch marker (`ksoftir-15`).
      'ksoftir;__wake_up 1211',
      'ksoftir;__wake_up;_raw_spin_lock_irqsave 351',
      'ksoftir;__wake_up;_raw_spin_unlock_irqrestore 420',
      'ksoftir;_raw_spin_unlock_irqrestore 712',
      'ksoftir;rcu_core 1720',
      'ksoftir;try_to_wake_up 1628',
      'ksoftir;wake_up_process 765',
      'sh;__x64_sys_read 658',
      'sh;__x64_sys_read;ksys_read 467',
      'sh;__x64_sys_read;ksys_read;__fdget_pos 210',
      'sh;__x64_sys_read;ksys_read;vfs_read 600',
      'sh;__x64_sys_read;ksys_read;vfs_read;pipe_read 12345',
      'sh;__x64_sys_read;ksys_read;vfs_read;rw_verify_area 180',
      // sh is still inside schedule() when the trace ends: only its completed leaf counts.
      'sh;schedule;__schedule;rcu_note_context_switch 150',
      // sleep returns from a __schedule()/schedule() entered before the trace; the kernel prints
      // these returns unnamed (they match CPU 0's last entries at those depths).
      'sleep;__schedule 249678',
      'sleep;__x64_sys_write 783',
      // vfs_write's return was lost: no sample for it, but its child's time is still ksys_write's.
      'sleep;__x64_sys_write;ksys_write 48037',
      'sleep;__x64_sys_write;ksys_write;vfs_write;rw_verify_area 190',
      'sleep;finish_task_switch.isra.0 640',
      'sleep;schedule 583',
    ]);
    // Self times add up to the durations the kernel printed for the outermost calls.
    const sum = (prefix: string) =>
      fold(r)
        .filter((l) => l.startsWith(prefix))
        .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum('sh;__x64_sys_read')).toBe(14460);
    expect(sum('ksoftir;')).toBe(6807); // rcu_core's 6.807 µs cover everything CPU 1 did before it
    expect(sum('sleep;__schedule') + sum('sleep;schedule') + sum('sleep;finish_task_switch')).toBe(250901);
    expect(sum('sleep;__x64_sys_write')).toBe(49010);
    // The threads come from the context-switch markers (comms truncated to 7 characters there).
    const tids = new Set(Array.from(p.samples.thread, (t) => `${commOf(p, t)}-${p.threads.tid[t]}`));
    expect([...tids].sort()).toEqual(['<idle>-0', 'ksoftir-15', 'sh-1234', 'sleep-1240']);
    // No abstime column: the samples have no time.
    expect(p.meta.durationNs).toBe(0);
  });

  it('warns with line numbers about lost records and goes on', async () => {
    const r = await fixture('function-graph.txt');
    expect(r.profile.meta.warnings).toEqual([
      { line: 42, message: 'CPU 0 lost 1873 events here (ring buffer overrun): its records around this point are incomplete' },
      { line: 43, message: 'vfs_write() never returned (its return was lost); dropped' },
    ]);
  });

  it('reads the abstime and proc columns: call start times, tasks per line, events printed as comments', async () => {
    const r = await fixture('function-graph-abstime-proc.txt');
    const p = r.profile;
    expect(p.meta.warningCount).toBe(0);
    expect(eventCounts(p)).toEqual({ function_graph: 6, tracing_mark_write: 1 });
    expect(fold(r, { event: 'function_graph' })).toEqual([
      'bash;do_sys_openat2 2007',
      'bash;do_sys_openat2;do_filp_open 4810',
      'bash;do_sys_openat2;getname 801',
      'bash;do_sys_openat2;getname;kmem_cache_alloc 402',
      'kworker;process_one_work 900',
      'kworker;process_one_work;vmstat_update 1500',
    ]);
    expect(p.meta.clock).toEqual({ kind: 'boot', originSec: 3510, originNsOfSec: 118000000 });
    const byLeaf = new Map<string, number>();
    for (let i = 0; i < p.samples.length; i++) {
      const s = p.samples.stack[i] as number;
      const name = s < 0 ? `event ${p.eventTypes[p.samples.event[i] as number]?.name}` : (p.strings[p.frames.symbol[p.stacks.frame[s] as number] as number] as string);
      byLeaf.set(name, p.samples.timeNs[i] as number);
    }
    expect(Object.fromEntries(byLeaf)).toEqual({
      do_sys_openat2: 0,
      getname: 1000,
      kmem_cache_alloc: 1000,
      do_filp_open: 3000,
      process_one_work: 3000,
      vmstat_update: 4000,
      'event tracing_mark_write': 5000,
    });
    const markEvent = p.eventTypes.findIndex((e) => e.name === 'tracing_mark_write');
    const mark = p.samples.event.indexOf(markEvent);
    expect(p.strings[p.samples.payload[mark] as number]).toBe('hello from bash');
    expect(commOf(p, p.samples.thread[mark] as number)).toBe('bash');
    expect(p.samples.cpu[mark]).toBe(0);
  });

  it('reads trace-cmd funcgraph_entry / funcgraph_exit records (ns timestamps)', async () => {
    const r = await fixture('trace-cmd-function-graph.txt');
    const p = r.profile;
    expect(p.meta.warningCount).toBe(0);
    expect(fold(r)).toEqual([
      'Web_Content;ksys_read 740',
      'Web_Content;ksys_read;__fdget_pos 260',
      'Web_Content;ksys_read;vfs_read 277',
      'Web_Content;ksys_read;vfs_read;pipe_read 17123',
      'kworker/0:1;vmstat_update 1350',
    ]);
    expect(Array.from(p.samples.timeNs)).toEqual([0, 310, 700, 900, 905]);
  });

  it('handles an unbalanced return and a return with no name (older kernels) without throwing', async () => {
    const text = [
      '# tracer: function_graph',
      '#',
      ' 0)   1.000 us    |  }',
      ' 0)               |  a() {',
      ' 0)   0.500 us    |    b();',
      ' 0)   2.000 us    |  } /* c */',
      ' 0)   3.000 us    |  } /* d */',
      ' 0)   nonsense    |',
    ].join('\n');
    const r = await parseText(text, 'unbalanced', ftraceFormat);
    // `} /* c */` at the depth of the open a(): a's return was lost (no sample for a), and c's
    // entry too, so c stands alone. The unnamed `}` before anything was entered is not counted.
    expect(fold(r)).toEqual(['CPU_0;a;b 500', 'CPU_0;c 2000', 'CPU_0;d 3000']);
    expect(r.profile.meta.warnings.map((w) => w.line)).toEqual([3, 6, 8]);
  });
});

describe('stack traces', () => {
  it('attaches `<stack trace>` and `<user stack trace>` frames (leaf first) to the event before them', async () => {
    const r = await fixture('stacktrace.txt');
    const p = r.profile;
    expect(p.meta.warningCount).toBe(0);
    // The `<stack trace>` records are not samples; a stack with no event of its own (a
    // stacktrace trigger on a disabled event) is a `kernel_stack` sample.
    expect(eventCounts(p)).toEqual({ sched_switch: 2, kmalloc: 1, sched_wakeup: 1, kernel_stack: 1 });
    expect(fold(r)).toEqual([
      '<idle> 2',
      'Web_Content;do_pipe2;__do_pipe_flags;create_pipe_files;alloc_pipe_info;__kmalloc 1',
      'kworker/1:2;ret_from_fork;kthread;worker_thread;process_one_work;blk_mq_run_work_fn 1',
      'sleep;[unknown];[libc.so.6];entry_SYSCALL_64_after_hwframe;do_syscall_64;__x64_sys_clock_nanosleep;hrtimer_nanosleep;do_nanosleep;schedule;__schedule 1',
    ]);
    expect(fold(r, { event: 'sched_switch', kernel: true })).toEqual([
      '<idle> 1',
      'sleep;[unknown];[libc.so.6];entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_clock_nanosleep_[k];hrtimer_nanosleep_[k];do_nanosleep_[k];schedule_[k];__schedule_[k] 1',
    ]);
    expect(fold(r, { addrs: true, event: 'sched_switch' })[1]).toContain('[unknown <000055d3c1a0312f>];[libc.so.6 <+0xe64a5>]');
    const modules = new Set(Array.from(p.frames.module, (m) => p.strings[m]));
    // ('' is the module of the off-CPU state frame.)
    expect(modules).toEqual(new Set(['[kernel.kallsyms]', '[blk_mq]', '/usr/lib/x86_64-linux-gnu/libc.so.6', '[unknown]', '']));
    // The kmalloc payload is kept; the decoded sched_switch payloads are not.
    expect(p.strings.some((s) => s.startsWith('call_site=alloc_pipe_info'))).toBe(true);
    expect(p.strings.some((s) => s.startsWith('prev_comm='))).toBe(false);
    // CPU 0: idle from sleep's switch out to the switch back (the <idle> wakeup agrees); CPU 1:
    // unknown until Web Content's record, unknown again where kworker's record contradicts it.
    expect(slicesOf(p)).toEqual(['0 0-160000 swapper/0-0', '1 0-50000 ?', '1 50000-130000 ?', '1 130000-160000 kworker/1:2-88']);
    // sleep was off CPU from its switch out to its switch in (160 µs), blocked in its stack,
    // and waited 60 µs from the wakeup to running.
    expect(fold(r, { event: 'off-cpu' })).toEqual([
      'sleep;[S sleeping];[unknown];[libc.so.6];entry_SYSCALL_64_after_hwframe;do_syscall_64;__x64_sys_clock_nanosleep;hrtimer_nanosleep;do_nanosleep;schedule;__schedule 160000',
    ]);
    expect(Array.from(p.runq.latencyNs)).toEqual([60000]);
  });
});

describe('line layouts', () => {
  it('reads tgid columns, ns timestamps, trace-cmd latency layout, instance prefixes and CRLF', async () => {
    const tracefs = [
      '     Web Content-4567    (   4500) [002] d..2.  100.000001500: sched_waking: comm=a pid=1 prio=120 target_cpu=002',
      '           <...>-99      (-------) [003] .....  100.000002000: sched_waking: comm=b pid=2 prio=120 target_cpu=003',
    ].join('\r\n');
    const a = await parseText(tracefs, 'tgid', ftraceFormat);
    const p = a.profile;
    expect(p.meta.warningCount).toBe(0);
    expect(Array.from(p.samples.timeNs)).toEqual([0, 500]);
    expect(Array.from(p.samples.cpu)).toEqual([2, 3]);
    expect(Array.from(p.samples.thread, (t) => [commOf(p, t), p.threads.pid[t], p.threads.tid[t]])).toEqual([
      ['Web Content', 4500, 4567],
      ['<...>', -1, 99],
    ]);

    const latency = ['cpus=4', '    bash-1977    2d..2.  245.178573: sched_switch:         bash:1977 [120] S ==> swapper/2:0 [120]'].join('\n');
    const b = await parseText(latency, 'latency', traceCmdFormat);
    expect(b.profile.meta.warningCount).toBe(0);
    expect(b.profile.samples.cpu[0]).toBe(2);
    expect(b.profile.sched.length).toBe(0); // one record: no time passes

    const instances = ['cpus=2', 'Buffer: inst', '     inst:           sh-10    [001]   5.000001: sys_enter:            NR 0 (3, 0, 0, 0, 0, 0)', '     inst:           sh-10    [001]   5.000003: sys_exit:             NR 0 = 1'].join('\n');
    const c = await parseText(instances, 'instances', traceCmdFormat);
    expect(c.profile.meta.warningCount).toBe(0);
    expect(commOf(c.profile, c.profile.samples.thread[0] as number)).toBe('sh');
    expect(syscallSummary(c.profile)).toEqual([{ name: 'read', calls: 1, errors: 0, totalSeconds: 2e-6, maxSeconds: 2e-6, inFlight: 0, inFlightSeconds: 0 }]);
  });

  it('counts bad lines as warnings with their line numbers and keeps going', async () => {
    const text = [
      '# tracer: nop',
      '          <idle>-0       [000] d..2.   10.000001: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000',
      'this is not ftrace',
      ' => orphan_frame_of_nothing',
      '          <idle>-0       [000] d..2.   10.000002: ???',
      'CPU:1 [LOST 5 EVENTS]',
      '          <idle>-0       [000] d..2.   10.000003: sched_wakeup: comm=b pid=2 prio=120 target_cpu=000',
    ].join('\n');
    const r = await parseText(text, 'bad', ftraceFormat);
    expect(r.profile.samples.length).toBe(2);
    expect(r.profile.meta.warnings.map((w) => w.line)).toEqual([3, 4, 5, 6]);
    expect(r.profile.meta.lines).toBe(7);
  });
});
