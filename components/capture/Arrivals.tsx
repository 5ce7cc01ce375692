'use client';
import { useEffect, useState } from 'react';
import { useLiveIngests } from '@/lib/client/use-live';
import { formatBytes } from '@/lib/viz/format';
import styles from './CaptureView.module.css';

/** A finished upload stays listed this long (failures until they are replaced). */
const SHOW_READY_MS = 20_000;

/** Uploads arriving right now, host by host: bytes received, parsing, ready, or why it failed. */
export function Arrivals({ captureId }: { captureId: string }) {
  const ingests = useLiveIngests(captureId);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  const shown = ingests.filter((i) => i.state !== 'ready' || now - Date.parse(i.finishedAt ?? i.startedAt) < SHOW_READY_MS);
  if (shown.length === 0) return null;
  return (
    <ul className={styles.arrivals} data-testid="arrivals" aria-live="polite">
      {shown.map((i) => (
        <li key={i.id} className={styles[i.state]} data-testid="arrival" data-node={i.node} data-state={i.state}>
          <strong>{i.node}</strong>
          {i.source ? ` · ${i.source}` : ''}: {i.state === 'receiving' ? `receiving ${formatBytes(i.bytes)}` : i.state === 'parsing' ? `parsing (${formatBytes(i.bytes)})` : i.state === 'ready' ? 'ready' : `failed: ${i.error?.message ?? 'unknown error'}`}
        </li>
      ))}
    </ul>
  );
}
