import Link from 'next/link';
import { captureUrl } from '@/lib/api/endpoints';
import { listCaptures } from '@/lib/server/captures';
import { formatCount } from '@/lib/viz/format';
import { UploadPanel } from '@/components/drop-zone/UploadPanel';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const { captures } = await listCaptures(50);
  return (
    <main className="page">
      <UploadPanel />
      <section style={{ marginTop: 28 }}>
        <h2 style={{ fontSize: 16 }}>Recent captures</h2>
        {captures.length === 0 ? (
          <p className="muted">No captures yet. Drop one perf script dump per node above, or push them with curl (see the README).</p>
        ) : (
          <table className="list" data-testid="recent-captures">
            <thead>
              <tr>
                <th>Capture</th>
                <th>Nodes</th>
                <th>Samples</th>
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
                  <td>{formatCount(c.samples)}</td>
                  <td className="muted">{c.createdAt.replace('T', ' ').slice(0, 19)} UTC</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
