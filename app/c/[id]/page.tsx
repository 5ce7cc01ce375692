import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { CaptureId } from '@/lib/api/schemas';
import { getStore } from '@/lib/server/store';
import { CaptureView } from '@/components/capture/CaptureView';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

async function load(id: string) {
  if (!CaptureId.safeParse(id).success) return null;
  return (await getStore()).getCapture(id);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const capture = await load((await params).id);
  return { title: capture ? `${capture.name} · tracefleet` : 'capture not found · tracefleet' };
}

/** The share link of a capture: /c/{id}?{view state}. */
export default async function CapturePage({ params }: Props) {
  const capture = await load((await params).id);
  if (!capture) notFound();
  return (
    <Suspense>
      <CaptureView initial={JSON.parse(JSON.stringify(capture))} />
    </Suspense>
  );
}
