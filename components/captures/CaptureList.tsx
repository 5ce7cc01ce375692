'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, useSyncExternalStore } from 'react';
import { captureUrl, endpointUrl, endpoints } from '@/lib/api/endpoints';
import type { CaptureList as List } from '@/lib/api/schemas';
import { rememberedCaptures, serverToken, setServerToken } from '@/lib/client/auth';
import { fetchJson } from '@/lib/client/fetcher';
import { formatCount } from '@/lib/viz/format';

type Item = List['captures'][number];

/** Re-reads localStorage when the token changes here or in another tab. */
const subscribe = (onChange: () => void) => {
  window.addEventListener('storage', onChange);
  window.addEventListener('tracefleet-auth', onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener('tracefleet-auth', onChange);
  };
};

/**
 * The captures on the start page. When the server's writes are open, all of them (rendered on
 * the server). When it has a token, only the ones this browser created or opened (their ids are
 * the capability), and all of them once the server's token is entered here.
 */
export function CaptureList({ open, initial }: { open: boolean; initial: Item[] | null }) {
  const token = useSyncExternalStore(subscribe, serverToken, () => null);
  const ids = useSyncExternalStore(
    subscribe,
    () => rememberedCaptures().map((c) => c.id).join(','),
    () => '',
  );
  const [draft, setDraft] = useState('');
  const known = useQuery({
    queryKey: ['captures', open, token, ids],
    enabled: !open,
    queryFn: async () => {
      const url = token ? endpointUrl(endpoints.listCaptures, {}, { limit: 200 }) : endpointUrl(endpoints.listCaptures, {}, { limit: 200, ids: ids ? ids.split(',') : [] });
      if (!token && !ids) return { captures: [] };
      return fetchJson(url, endpoints.listCaptures.response, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    },
  });
  const captures = open ? (initial ?? []) : (known.data?.captures ?? []);
  const saveToken = (value: string | null) => {
    setServerToken(value);
    window.dispatchEvent(new Event('tracefleet-auth'));
  };

  return (
    <section style={{ marginTop: 28 }}>
      <h2 style={{ fontSize: 16 }}>{open || token ? 'Recent captures' : 'Captures this browser created or opened'}</h2>
      {!open && (
        <form
          className="muted"
          style={{ fontSize: 13, marginBottom: 8 }}
          onSubmit={(e) => {
            e.preventDefault();
            saveToken(draft.trim() || null);
            setDraft('');
          }}
        >
          {token ? (
            <>
              Signed in with the server&apos;s token: you see every capture and may create them.{' '}
              <button type="button" onClick={() => saveToken(null)} data-testid="forget-token">
                Forget the token
              </button>
            </>
          ) : (
            <>
              This server needs its token to create captures and list them all:{' '}
              <input type="password" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="server token" aria-label="server token" data-testid="token-input" />{' '}
              <button type="submit">Use</button>
            </>
          )}
          {known.error && <span className="error"> {(known.error as Error).message}</span>}
        </form>
      )}
      {captures.length === 0 ? (
        <p className="muted">No captures yet. Drop the files of each host above, or run the agent on each host (see the README).</p>
      ) : (
        <table className="list" data-testid="recent-captures">
          <thead>
            <tr>
              <th>Capture</th>
              <th>Hosts</th>
              <th>Sources</th>
              <th>Records</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {captures.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={captureUrl(c.id)}>{c.name}</Link>
                </td>
                <td>{c.nodeCount}</td>
                <td>{c.sourceCount}</td>
                <td>{formatCount(c.samples)}</td>
                <td className="muted">{c.createdAt.replace('T', ' ').slice(0, 19)} UTC</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
