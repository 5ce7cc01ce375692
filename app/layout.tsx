import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: 'tracefleet',
  description: 'Cluster-wide Linux tracing: per-node flame graphs, timelines and heatmaps from perf, ftrace and strace dumps',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="header">
          <Link href="/" className="brand">
            trace<span>fleet</span>
          </Link>
          <span className="muted">cluster-wide flame graphs from perf, ftrace and strace dumps</span>
        </header>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
