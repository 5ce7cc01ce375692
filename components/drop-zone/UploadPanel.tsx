'use client';
import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import { useDropzone } from 'react-dropzone';
import { captureUrl, endpointPath, endpoints } from '@/lib/api/endpoints';
import { NODE_NAME_PATTERN } from '@/lib/api/schemas';
import { rememberCapture } from '@/lib/client/auth';
import { sendJson } from '@/lib/client/fetcher';
import { putSource, suggestNodeName, toNodeName } from '@/lib/client/upload';
import { formatBytes, formatCount } from '@/lib/viz/format';
import styles from './UploadPanel.module.css';

type Status = 'ready' | 'uploading' | 'parsing' | 'done' | 'error';

interface Entry {
  key: number;
  /** A file to send, or a URL for the server to fetch. */
  file: File | null;
  url?: string;
  node: string;
  fromHeader: boolean;
  status: Status;
  sent: number;
  message?: string;
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
    const added = files.map((file) => ({ key: nextKey++, file, node: '', fromHeader: false, status: 'ready' as Status, sent: 0 }));
    setEntries((es) => [...es.filter((e) => e.status !== 'done'), ...added]);
    setCaptureId(null);
    setError(null);
    await Promise.all(
      added.map(async (e) => {
        const s = await suggestNodeName(e.file);
        setEntries((es) => {
          const taken = new Set(es.filter((x) => x.key !== e.key).map((x) => x.node));
          let node = s.name;
          for (let i = 2; taken.has(node); i++) node = `${s.name}-${i}`;
          return es.map((x) => (x.key === e.key ? { ...x, node, fromHeader: s.fromHeader } : x));
        });
      }),
    );
  }, []);

  const { getRootProps, getInputProps, isDragActive } = useDropzone({ onDrop, multiple: true, disabled: busy });
  const [urlText, setUrlText] = useState('');
  const addUrl = () => {
    const url = urlText.trim();
    if (!/^https?:\/\/\S+$/i.test(url)) return setError('enter an http:// or https:// URL');
    const stem = decodeURIComponent(url.replace(/[?#].*$/, '').split('/').pop() ?? '').replace(/\..*$/, '');
    setEntries((es) => [...es, { key: nextKey++, file: null, url, node: toNodeName(stem || 'node'), fromHeader: false, status: 'ready', sent: 0 }]);
    setUrlText('');
    setError(null);
  };

  const names = entries.map((e) => e.node);
  const invalid = entries.filter((e) => !NODE_NAME_PATTERN.test(e.node) || names.indexOf(e.node) !== names.lastIndexOf(e.node));
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
      const queue = [...pending];
      let failed = 0;
      const worker = async () => {
        for (let e = queue.shift(); e; e = queue.shift()) {
          patch(e.key, { status: e.file ? 'uploading' : 'parsing', sent: 0, message: undefined });
          try {
            const summary = e.file
              ? await putSource(endpointPath(endpoints.putNode, { id: id as string, node: e.node }), id as string, e.file, (p) => patch(e.key, { sent: p.sent, status: p.parsing ? 'parsing' : 'uploading' }))
              : await sendJson(endpoints.fetchNode, { id: id as string, node: e.node }, { url: e.url ?? '' });
            patch(e.key, { status: 'done', sent: e.file?.size ?? 0, message: `${formatCount(summary.samples)} records · ${summary.format}${summary.warnings ? ` · ${summary.warnings} warnings` : ''}` });
          } catch (err) {
            failed++;
            patch(e.key, { status: 'error', message: (err as Error).message });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, worker));
      if (failed === 0) router.push(captureUrl(id));
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
        <strong>Drop one capture file per node</strong>
        <span className="muted">
          perf script (with or without <code>--header</code>), folded stacks · plain or gzip · or click to choose files
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
          <table className={styles.table}>
            <thead>
              <tr>
                <th>File</th>
                <th>Node name</th>
                <th>Size</th>
                <th>Progress</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const bad = invalid.includes(e);
                const size = e.file?.size ?? 0;
                const pct = e.file ? (size > 0 ? Math.round((100 * e.sent) / size) : 100) : e.status === 'done' ? 100 : 0;
                return (
                  <tr key={e.key} data-testid="upload-row" data-status={e.status}>
                    <td className="mono">{e.file ? e.file.name : e.url}</td>
                    <td>
                      <input
                        aria-label={`node name for ${e.file ? e.file.name : e.url}`}
                        className={bad ? styles.bad : ''}
                        value={e.node}
                        disabled={busy || e.status === 'done'}
                        onChange={(ev) => patch(e.key, { node: ev.target.value })}
                      />
                      {e.fromHeader && <span className={styles.hint}> from # hostname</span>}
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
            {invalid.length > 0 && <span className="error">Node names must be unique, 1–128 characters of A–Z a–z 0–9 . _ -</span>}
            {captureId && !busy && entries.some((e) => e.status === 'error') && <a href={captureUrl(captureId)}>Open the capture with the nodes that worked</a>}
            {error && <span className="error">{error}</span>}
          </div>
        </div>
      )}
    </section>
  );
}
