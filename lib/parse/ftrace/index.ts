/**
 * tracefs text (`cat /sys/kernel/tracing/trace`, `trace_pipe`) and `trace-cmd report` output:
 * trace events, the function and function_graph tracers, and stack traces. See README.md.
 */
import type { ProfileBuilder } from '../../profile/builder';
import { lineSink, type CaptureFormat, type ParseContext } from '../format';
import { FtraceParser } from './parser';
import { sniffFtrace, sniffTraceCmd } from './sniff';

export const ftraceFormat: CaptureFormat = {
  id: 'ftrace',
  label: 'ftrace (tracefs text)',
  sniff: sniffFtrace,
  createParser: (builder: ProfileBuilder, ctx: ParseContext) => lineSink(new FtraceParser(builder, ctx, false)),
};

export const traceCmdFormat: CaptureFormat = {
  id: 'trace-cmd',
  label: 'trace-cmd report',
  sniff: sniffTraceCmd,
  createParser: (builder: ProfileBuilder, ctx: ParseContext) => lineSink(new FtraceParser(builder, ctx, true)),
};
