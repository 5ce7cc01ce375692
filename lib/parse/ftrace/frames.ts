import type { ProfileBuilder } from '../../profile/builder';
import { detach } from '../../util/intern';
import { BoundedCache } from '../cache';
import * as scan from '../scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { allHex } = scan;

export const KERNEL_MODULE = '[kernel.kallsyms]';
/** Caches are dropped and rebuilt when they grow past this many entries. */
const FRAME_CACHE = { maxEntries: 1 << 20 };

/** A frame as ftrace prints it, split into symbol, module and (for unknown symbols) address. */
export interface FrameParts {
  symbol: string;
  module: string;
  address: string;
}

/**
 * A kernel symbol as ftrace and trace-cmd print it: `func`, `func+0x1a/0x40` (sym-offset),
 * `func <ffffffff81234567>` (sym-addr), `func [module]` (a module's symbol), `func (ffffffff81234567)`
 * (trace-cmd stacks), `ffffffff81234567` / `0xffffffff81234567` (no symbol).
 */
export function kernelFrameParts(text: string): FrameParts {
  let s = text.trim();
  let mod = KERNEL_MODULE;
  // Trailing address annotations: ` <ffff…>` (tracefs sym-addr) and ` (ffff…)` (trace-cmd).
  for (;;) {
    const last = s.charCodeAt(s.length - 1);
    const open = last === 62 /* > */ ? s.lastIndexOf(' <') : last === 41 /* ) */ ? s.lastIndexOf(' (') : -1;
    if (open < 0 || !allHex(s, open + 2, s.length - 1)) break;
    s = s.slice(0, open).trimEnd();
  }
  if (s.endsWith(']')) {
    const open = s.lastIndexOf(' [');
    if (open > 0) {
      mod = s.slice(open + 1);
      s = s.slice(0, open).trimEnd();
    }
  }
  const plus = s.indexOf('+0x');
  if (plus > 0) s = s.slice(0, plus);
  const bare = s.startsWith('0x') ? s.slice(2) : s;
  if (allHex(bare, 0, bare.length) && bare.length >= 8) return { symbol: '[unknown]', module: mod, address: bare };
  return { symbol: s, module: mod, address: '' };
}

/**
 * A user-space frame of `<user stack trace>`: `/usr/lib/libc.so.6[+0x8a2c3]` (file and offset),
 * ` <00007f2e4c0b1234>` (no mapping), or `??`.
 */
export function userFrameParts(text: string): FrameParts {
  let s = text.trim();
  let address = '';
  if (s.endsWith('>')) {
    const open = s.lastIndexOf('<');
    if (open >= 0) {
      address = s.slice(open + 1, -1);
      s = s.slice(0, open).trimEnd();
    }
  }
  if (s.endsWith(']')) {
    const open = s.lastIndexOf('[+');
    if (open > 0) return { symbol: '[unknown]', module: s.slice(0, open), address: s.slice(open + 1, -1) };
  }
  if (s.length === 0 || s === '??') return { symbol: '[unknown]', module: '[unknown]', address };
  return { symbol: s, module: '[unknown]', address };
}

/** Frame ids by the exact text that named them (one map lookup for a frame seen before). */
export class FrameCache {
  private readonly kernelIds = new BoundedCache<string, number>(FRAME_CACHE);
  private readonly userIds = new BoundedCache<string, number>(FRAME_CACHE);
  /** The text that first named each kernel frame (for messages). */
  private readonly names = new Map<number, string>();

  constructor(private readonly builder: ProfileBuilder) {}

  /** A kernel frame printed at text[from…] (see kernelFrameParts); `text` is the cache key. */
  kernel(text: string, from = 0): number {
    const id = this.kernelIds.get(text);
    if (id !== undefined) return id;
    const f = kernelFrameParts(from > 0 ? text.slice(from) : text);
    const made = this.add(this.kernelIds, text, f);
    if (!this.names.has(made)) this.names.set(made, detach(f.symbol));
    return made;
  }

  /** The symbol of a kernel frame made here. */
  nameOf(frame: number): string {
    return this.names.get(frame) ?? '?';
  }

  /** A user frame printed at text[from…] (see userFrameParts); `text` is the cache key. */
  user(text: string, from = 0): number {
    return this.userIds.get(text) ?? this.add(this.userIds, text, userFrameParts(from > 0 ? text.slice(from) : text));
  }

  private add(cache: BoundedCache<string, number>, text: string, f: FrameParts): number {
    const id = this.builder.frame(f.symbol, f.module, f.address);
    cache.set(detach(text), id);
    return id;
  }
}
