import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { findCapture } from '@/lib/server/captures';
import { CaptureView } from '@/components/capture/CaptureView';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const capture = await findCapture((await params).id);
  return { title: capture ? `${capture.name} · tracefleet` : 'capture not found · tracefleet' };
}

/** The share link of a capture: /c/{id}?{view state}. */
export default async function CapturePage({ params }: Props) {
  const capture = await findCapture((await params).id);
  if (!capture) notFound();
  return (
    <Suspense>
      <CaptureView initial={JSON.parse(JSON.stringify(capture))} />
    </Suspense>
  );
}
