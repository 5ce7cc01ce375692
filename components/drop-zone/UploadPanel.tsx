'use client';
import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import { useDropzone } from 'react-dropzone';
import { captureUrl, endpointPath, endpoints } from '@/lib/api/endpoints';
import { NODE_NAME_PATTERN } from '@/lib/api/schemas';
import { rememberCapture } from '@/lib/client/auth';
import { sendJson } from '@/lib/client/fetcher';
import { describeFile, fileStem, groupHosts, putSource } from '@/lib/client/upload';
import { formatBytes, formatCount } from '@/lib/viz/format';
import styles from './UploadPanel.module.css';

type Status = 'ready' | 'uploading' | 'parsing' | 'done' | 'error';

interface Entry {
  key: number;
  /** A file to send, or a URL for the server to fetch. */
  file: File | null;
  url?: string;
  /** What the file name and first page say, once read. */
  stem: string;
  hostname: string | null;
  kind: string | null;
  /** The host and source it becomes (editable; `edited` stops the automatic naming). */
  node: string;
  source: string;
  edited: boolean;
  status: Status;
  sent: number;
  message?: string;
}

/**
 * Names every file not edited by hand: its host from the grouping of stems and hostnames, its
 * source after its kind, numbered when a host has two of one kind.
 */
function autoName(entries: Entry[]): Entry[] {
  const hosts = groupHosts(entries.map((e) => ({ stem: e.stem, hostname: e.hostname })));
  const named = entries.map((e, i) => (e.edited ? e : { ...e, node: hosts[i] as string, source: e.kind ?? 'perf' }));
  const taken = new Set(named.filter((e) => e.edited).map((e) => `${e.node}/${e.source}`));
  return named.map((e) => {
    if (e.edited) return e;
    let source = e.source;
    for (let i = 2; taken.has(`${e.node}/${source}`); i++) source = `${e.source}-${i}`;
    taken.add(`${e.node}/${source}`);
    return { ...e, source };
  });
}

const PARALLEL_UPLOADS = 4;
let nextKey = 1;

/** Drop zone (and file picker) for one capture file per node, with a progress bar per file. */
export function UploadPanel() {
  const router = useRouter();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [captureId, setCaptureId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const patch = (key: number, p: Partial<Entry>) => setEntries((es) => es.map((e) => (e.key === key ? { ...e, ...p } : e)));

  const onDrop = useCallback(async (files: File[]) => {
    const added: Entry[] = files.map((file) => ({ key: nextKey++, file, stem: fileStem(file.name), hostname: null, kind: null, node: fileStem(file.name), source: '', edited: false, status: 'ready', sent: 0 }));
    setEntries((es) => autoName([...es.filter((e) => e.status !== 'done'), ...added]));
    setCaptureId(null);
    setError(null);
    const described = await Promise.all(added.map(async (e) => ({ key: e.key, ...(await describeFile(e.file as File)) })));
    setEntries((es) => autoName(es.map((x) => ({ ...x, ...described.find((d) => d.key === x.key) }))));
  }, []);

  const { getRootProps, getInputProps, isDragActive } = useDropzone({ onDrop, multiple: true, disabled: busy });
  const [urlText, setUrlText] = useState('');
  const addUrl = () => {
    const url = urlText.trim();
    if (!/^https?:\/\/\S+$/i.test(url)) return setError('enter an http:// or https:// URL');
    let last = url.split('/').pop() ?? '';
    try {
      last = decodeURIComponent(last);
    } catch {
      // a name with a stray % stays as it is
    }
    const stem = fileStem(last || 'node');
    setEntries((es) => autoName([...es, { key: nextKey++, file: null, url, stem, hostname: null, kind: null, node: stem, source: '', edited: false, status: 'ready', sent: 0 }]));
    setUrlText('');
    setError(null);
  };

  const pairs = entries.map((e) => `${e.node}/${e.source}`);
  // A URL's source may stay blank: the server names it after the kind it finds.
  const invalid = entries.filter((e) => !NODE_NAME_PATTERN.test(e.node) || (e.source !== '' && !NODE_NAME_PATTERN.test(e.source)) || (e.file && !e.source) || pairs.indexOf(`${e.node}/${e.source}`) !== pairs.lastIndexOf(`${e.node}/${e.source}`));
  const hostList = [...new Set(entries.map((e) => e.node))];
  const pending = entries.filter((e) => e.status === 'ready' || e.status === 'error');

  const upload = async () => {
    setBusy(true);
    setError(null);
    try {
      let id = captureId;
      if (!id) {
        const created = await sendJson(endpoints.createCapture, {}, name.trim() ? { name: name.trim() } : {});
        rememberCapture({ id: created.id, name: name.trim() || 'capture', uploadToken: created.uploadToken });
        id = created.id;
        setCaptureId(id);
      }
      // The capture page's code and payload load while the files upload, not after.
      router.prefetch(captureUrl(id));
      const queue = [...pending];
      let failed = 0;
      // The capture opens as soon as one host is ready (its flame graph can be read while the
      // others still upload and parse: the capture page shows them arriving), unless one failed
      // before: then this list stays, with the reason.
      let opened = false;
      const open = () => {
        if (opened || failed > 0) return;
        opened = true;
        router.push(captureUrl(id as string));
      };
      const worker = async () => {
        for (let e = queue.shift(); e; e = queue.shift()) {
          patch(e.key, { status: e.file ? 'uploading' : 'parsing', sent: 0, message: undefined });
          try {
            const summary = e.file
              ? await putSource(endpointPath(endpoints.putSource, { id: id as string, node: e.node, source: e.source }), id as string, e.file, (p) => patch(e.key, { sent: p.sent, status: p.parsing ? 'parsing' : 'uploading' }))
              : await sendJson(endpoints.fetchNode, { id: id as string, node: e.node }, { url: e.url ?? '', source: e.source || undefined });
            patch(e.key, { status: 'done', sent: e.file?.size ?? 0, message: `${formatCount(summary.samples)} records · ${summary.format}${summary.warnings ? ` · ${summary.warnings} warnings` : ''}` });
            open();
          } catch (err) {
            failed++;
            patch(e.key, { status: 'error', message: (err as Error).message });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, worker));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={styles.panel}>
      <div {...getRootProps({ className: `${styles.drop} ${isDragActive ? styles.active : ''}` })} data-testid="drop-zone">
        <input {...getInputProps()} data-testid="file-input" />
        <strong>Drop the capture files of every host</strong>
        <span className="muted">
          perf script (also tracepoints), ftrace / trace-cmd text, strace -f -ttt -T, folded stacks · plain or gzip · or click to choose files. Files of one host (same name stem, or
          the same <code># hostname</code>) become that host&apos;s sources.
        </span>
      </div>
      <div className={styles.urlRow}>
        <input
          value={urlText}
          onChange={(e) => setUrlText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && addUrl()}
          placeholder="…or a URL the server should fetch (https://host/node-a.perf.txt.gz)"
          aria-label="capture URL"
          disabled={busy}
          data-testid="url-input"
        />
        <button onClick={addUrl} disabled={busy || !urlText.trim()}>
          Add URL
        </button>
      </div>
      {entries.length > 0 && (
        <div className={styles.files}>
          <label className={styles.captureName}>
            Capture name{' '}
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. checkout latency, 4 nodes" maxLength={200} disabled={busy} />
          </label>
          <p className="muted" data-testid="host-summary">
            {hostList.length} host{hostList.length === 1 ? '' : 's'}:{' '}
            {hostList.map((h, i) => (
              <span key={h}>
                {i > 0 ? '; ' : ''}
                <strong>{h}</strong> ({entries.filter((e) => e.node === h).map((e) => e.source || 'named by the server').join(', ')})
              </span>
            ))}
          </p>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>File</th>
                <th>Host</th>
                <th>Source</th>
                <th>Size</th>
                <th>Progress</th>
              </tr>
            </thead>
            <tbody>
              {[...entries].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.key - b.key)).map((e) => {
                const bad = invalid.includes(e);
                const size = e.file?.size ?? 0;
                const pct = e.file ? (size > 0 ? Math.round((100 * e.sent) / size) : 100) : e.status === 'done' ? 100 : 0;
                return (
                  <tr key={e.key} data-testid="upload-row" data-status={e.status}>
                    <td className="mono">{e.file ? e.file.name : e.url}</td>
                    <td>
                      <input
                        aria-label={`host for ${e.file ? e.file.name : e.url}`}
                        className={bad ? styles.bad : ''}
                        value={e.node}
                        disabled={busy || e.status === 'done'}
                        onChange={(ev) => patch(e.key, { node: ev.target.value, edited: true })}
                        data-testid="host-input"
                      />
                      {e.hostname === e.node && <span className={styles.hint}> from # hostname</span>}
                    </td>
                    <td>
                      <input
                        aria-label={`source for ${e.file ? e.file.name : e.url}`}
                        className={`${styles.source} ${bad ? styles.bad : ''}`}
                        value={e.source}
                        placeholder={e.file ? '' : 'by kind'}
                        disabled={busy || e.status === 'done'}
                        onChange={(ev) => patch(e.key, { source: ev.target.value, edited: true })}
                        data-testid="source-input"
                      />
                    </td>
                    <td className="muted">{e.file ? formatBytes(e.file.size) : 'URL'}</td>
                    <td className={styles.progressCell}>
                      <div className={styles.bar} role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
                        <div className={`${styles.fill} ${e.status === 'parsing' ? styles.parsing : ''} ${e.status === 'error' ? styles.failed : ''}`} style={{ width: `${e.status === 'ready' ? 0 : pct}%` }} />
                      </div>
                      <span className={e.status === 'error' ? 'error' : 'muted'} data-testid="upload-status">
                        {e.status === 'ready' && 'ready'}
                        {e.status === 'uploading' && `sending ${pct}%`}
                        {e.status === 'parsing' && (e.file ? 'parsing…' : 'server fetching and parsing…')}
                        {e.status === 'done' && (e.message ?? 'done')}
                        {e.status === 'error' && e.message}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className={styles.actions}>
            <button className="primary" onClick={upload} disabled={busy || pending.length === 0 || invalid.length > 0} data-testid="upload-button">
              {busy ? 'Uploading…' : `Upload ${pending.length} file${pending.length === 1 ? '' : 's'}`}
            </button>
            {!busy && <button onClick={() => setEntries([])}>Clear</button>}
            {invalid.length > 0 && <span className="error">Each host&apos;s source names must differ; host and source names are 1–128 characters of A–Z a–z 0–9 . _ -</span>}
            {captureId && !busy && entries.some((e) => e.status === 'error') && <a href={captureUrl(captureId)}>Open the capture with the files that worked</a>}
            {error && <span className="error">{error}</span>}
          </div>
        </div>
      )}
    </section>
  );
}
