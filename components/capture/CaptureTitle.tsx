'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { endpoints } from '@/lib/api/endpoints';
import type { Capture } from '@/lib/api/schemas';
import { forgetCapture, rememberCapture, uploadTokenOf } from '@/lib/client/auth';
import { sendEmpty, sendJson } from '@/lib/client/fetcher';
import { endpointKey } from '@/lib/client/queries';
import styles from './CaptureView.module.css';

/** The capture's name, renamed in place; delete; and the command that adds hosts. */
export function CaptureTitle({ capture }: { capture: Capture }) {
  const router = useRouter();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(capture.name);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => rememberCapture({ id: capture.id, name: capture.name }), [capture.id, capture.name]);

  const rename = async () => {
    setError(null);
    try {
      const updated = await sendJson(endpoints.renameCapture, { id: capture.id }, { name });
      client.setQueryData([...endpointKey(endpoints.capture, { id: capture.id }), null], updated);
      setEditing(false);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete "${capture.name}" and every file of its ${capture.nodes.length} hosts? Its link stops working.`)) return;
    setError(null);
    try {
      await sendEmpty(endpoints.deleteCapture, { id: capture.id });
      forgetCapture(capture.id);
      router.push('/');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div>
      {editing ? (
        <form
          className={styles.rename}
          onSubmit={(e) => {
            e.preventDefault();
            void rename();
          }}
        >
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} aria-label="capture name" data-testid="rename-input" autoFocus />
          <button type="submit" disabled={!name.trim()} data-testid="rename-save">
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <h1 className={styles.title}>
          <span data-testid="capture-name">{capture.name}</span>{' '}
          <button className={styles.quiet} onClick={() => setEditing(true)} data-testid="rename">
            rename
          </button>
          <button className={styles.quiet} onClick={() => void remove()} data-testid="delete-capture">
            delete
          </button>
        </h1>
      )}
      {error && <p className="error">{error}</p>}
      <AgentHelp captureId={capture.id} />
    </div>
  );
}

/** The one-liner to paste on each host of the cluster. */
function AgentHelp({ captureId }: { captureId: string }) {
  // Read from the browser when opened (this page is also rendered on the server).
  const [here, setHere] = useState<{ origin: string; token: string | null } | null>(null);
  const token = here?.token ?? null;
  const command = `curl -fsS ${here?.origin ?? ''}/agent.sh | sh -s -- --capture ${captureId} --token ${token ?? '$TOKEN'} --seconds 30`;
  return (
    <details className={styles.agent} onToggle={(e) => (e.currentTarget.open ? setHere({ origin: window.location.origin, token: uploadTokenOf(captureId) }) : undefined)}>
      <summary>Add hosts: run the agent on each one</summary>
      <p className="muted">
        As root on each host: records 30 s of CPU samples (<code>perf record -F 99 -a -g</code>), then streams them here as that host. Add <code>--ftrace</code> for scheduler and syscall
        tracepoints, <code>--strace PID</code> for a process&apos;s syscalls.
        {token ? ' The token below lets its holder write to this capture only.' : ' $TOKEN: the upload token this capture was created with (or the server’s token).'}
      </p>
      <pre className={styles.command} data-testid="agent-command">
        {command}
      </pre>
    </details>
  );
}
