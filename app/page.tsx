import { CaptureList } from '@/components/captures/CaptureList';
import { UploadPanel } from '@/components/drop-zone/UploadPanel';
import { writesGuarded } from '@/lib/server/auth';
import { listCaptures } from '@/lib/server/captures';

export const dynamic = 'force-dynamic';

export default async function Home() {
  // With a server token, the list of every capture is not public: the browser lists what it knows.
  const open = !writesGuarded();
  const initial = open ? (await listCaptures(50)).captures : null;
  return (
    <main className="page">
      <UploadPanel />
      <CaptureList open={open} initial={initial} />
    </main>
  );
}
