import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
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
  // No Suspense boundary (the page is dynamic, so useSearchParams needs none): a navigation
  // shows the page when it is ready, instead of a fallback that React then reveals no sooner
  // than 300 ms later (its Suspense throttle) — a third of a small upload's time to graph.
  return <CaptureView initial={JSON.parse(JSON.stringify(capture))} />;
}
