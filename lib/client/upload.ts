'use client';
import { NODE_NAME_PATTERN, SourceSummary } from '../api/schemas';
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

/** The `# hostname :` of a perf script --header block, else the file name without extensions. */
export async function suggestNodeName(file: File): Promise<{ name: string; fromHeader: boolean }> {
  const head = await readHead(file).catch(() => '');
  const m = /^#\s*hostname\s*:\s*(\S.*?)\s*$/m.exec(head);
  if (m?.[1]) return { name: toNodeName(m[1]), fromHeader: true };
  const base = file.name.replace(/^.*[\\/]/, '');
  const stem = base.includes('.') && !base.startsWith('.') ? base.slice(0, base.indexOf('.')) : base;
  return { name: toNodeName(stem || base), fromHeader: false };
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
