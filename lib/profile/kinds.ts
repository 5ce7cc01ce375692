import { FrameKindCode } from './types';

/** Classifies a frame for colouring: kernel, JIT or user code, from its module (and symbol). */
export function classifyFrame(module: string): number {
  if (module.length === 0) return FrameKindCode.user;
  const c = module.charCodeAt(0);
  if (c === 91 /* [ */) {
    if (module === '[unknown]' || module === '[vdso]' || module === '[vsyscall]' || module === '[heap]' || module === '[stack]')
      return FrameKindCode.user;
    if (module.startsWith('[JIT]')) return FrameKindCode.jit;
    return FrameKindCode.kernel; // [kernel.kallsyms], [vmlinux-5.4…], kernel modules like [nf_conntrack]
  }
  if (module.endsWith('vmlinux')) return FrameKindCode.kernel;
  if (/\/perf-\d+\.map$/.test(module) || /\/jitted-\d+-\d+\.so$/.test(module) || module === '//anon')
    return FrameKindCode.jit;
  return FrameKindCode.user;
}
