'use client';
import { NODE_NAME_PATTERN, SourceSummary, type SourceKind } from '../api/schemas';
import { isTracepoint } from '../api/sources';
import { authHeaders } from './auth';
import { ApiError } from './fetcher';
import { ErrorBody } from '../api/schemas';

const HEAD_BYTES = 64 * 1024;

/** The first bytes of a file, decompressed when it is gzip (detected by magic, like the server). */
async function readHead(file: File): Promise<string> {
  const first = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  let stream: ReadableStream<Uint8Array> = file.stream();
  if (first[0] === 0x1f && first[1] === 0x8b) stream = stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < HEAD_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.length;
    }
  } catch {
    // A corrupt gzip still gets a name from its file name; the server reports the error.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const decoder = new TextDecoder();
  return parts.map((p) => decoder.decode(p, { stream: true })).join('');
}

/** A node name from a string: invalid characters become '-', at most 128 characters. */
export function toNodeName(raw: string): string {
  const s = raw.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 128);
  return NODE_NAME_PATTERN.test(s) ? s : 'node';
}

/** A file name without its folder and extensions (`node-a.strace.txt.gz` → `node-a`). */
export function fileStem(name: string): string {
  const base = name.replace(/^.*[\\/]/, '').replace(/[?#].*$/, '');
  const stem = base.includes('.') && !base.startsWith('.') ? base.slice(0, base.indexOf('.')) : base;
  return toNodeName(stem || base);
}

const STRACE_LINE = /^(\[pid\s+\d+\]\s+|\d+\s+)?((\d+\.\d+|\d\d:\d\d:\d\d(\.\d+)?)\s+)?([a-z_][a-z0-9_]*\(|<\.\.\.|\+\+\+|---)/;
const PERF_EVENT = /\d+\.\d+:\s+(?:\d+\s+)?([^\s:][^\s]*?):\s/;
const FOLDED_LINE = /^\S.*;.*\s\d+(\.\d+)?$/;

/**
 * What a capture holds, guessed from its first page the way the server's sniffers decide it,
 * to name its source before it is sent (the server detects the kind itself; this only names).
 */
export function guessKind(head: string): SourceKind {
  if (/^\s*\{/.test(head) && head.includes('https://www.speedscope.app/file-format-schema.json')) return 'speedscope';
  // Control characters no capture prints: binary, and pprof is the binary format the server reads.
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(head)) return 'pprof';
  if (/^# tracer:/m.test(head)) return 'ftrace';
  if (/^(cpus=\d+|version = \d+|\s*CPU \d+ is empty)\s*$/m.test(head)) return 'trace-cmd';
  const lines = head.split('\n').filter((l) => l.trim() && !l.startsWith('#')).slice(0, 200);
  if (lines.length > 0 && lines.filter((l) => STRACE_LINE.test(l)).length >= lines.length * 0.5) return 'strace';
  if (lines.length > 0 && lines.every((l) => FOLDED_LINE.test(l) || !l.includes(';'))  && lines.some((l) => FOLDED_LINE.test(l))) return 'folded';
  const events = lines.map((l) => PERF_EVENT.exec(l)?.[1]).filter((e): e is string => !!e);
  return events.length > 0 && events.every(isTracepoint) ? 'perf-tracepoints' : 'perf';
}

/** What the first page of a file says: the `# hostname :` of a perf script --header block, and its kind. */
export async function describeFile(file: File): Promise<{ hostname: string | null; kind: SourceKind }> {
  const head = await readHead(file).catch(() => '');
  const m = /^#\s*hostname\s*:\s*(\S.*?)\s*$/m.exec(head);
  return { hostname: m?.[1] ? toNodeName(m[1]) : null, kind: guessKind(head) };
}

/**
 * Hosts for a set of files: files with the same stem (`node-a.perf.txt`, `node-a.strace.txt`)
 * or the same `# hostname` are one host, named after the hostname when one of its files gives
 * it, else after the stem. Returns each file's host, in input order.
 */
export function groupHosts(files: readonly { stem: string; hostname: string | null }[]): string[] {
  const parent = files.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  const byKey = new Map<string, number>();
  files.forEach((f, i) => {
    for (const key of [`stem:${f.stem}`, f.hostname ? `host:${f.hostname}` : null]) {
      if (!key) continue;
      const j = byKey.get(key);
      if (j === undefined) byKey.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const names = new Map<number, string>();
  files.forEach((f, i) => {
    const root = find(i);
    if (f.hostname && !names.has(root)) names.set(root, f.hostname);
  });
  return files.map((f, i) => names.get(find(i)) ?? (files[find(i)] as { stem: string }).stem);
}

export interface UploadProgress {
  sent: number;
  total: number;
  /** All bytes are sent; the server is parsing. */
  parsing: boolean;
}

/** PUTs a file as a source of a host, reporting bytes sent (XHR: fetch has no upload progress). */
export function putSource(url: string, captureId: string, file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<SourceSummary> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name).slice(0, 256));
    for (const [k, v] of Object.entries(authHeaders(captureId))) xhr.setRequestHeader(k, v);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size, parsing: false });
    xhr.upload.onload = () => onProgress({ sent: file.size, total: file.size, parsing: true });
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error while uploading'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    xhr.onload = () => {
      if (xhr.status === 201) {
        const parsed = SourceSummary.safeParse(xhr.response);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError(xhr.status, 'bad_response', 'unexpected answer from the server'));
        return;
      }
      const body = ErrorBody.safeParse(xhr.response);
      reject(body.success ? new ApiError(xhr.status, body.data.error.code, body.data.error.message) : new ApiError(xhr.status, 'http_error', `HTTP ${xhr.status}`));
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
