'use client';
import type { SourceSummary } from '@/lib/api/schemas';

/** Which of a host's sources a view reads, when it has more than one that can serve it. */
export function SourcePicker({ sources, value, onChange, testId }: { sources: readonly SourceSummary[]; value: string | undefined; onChange: (source: string) => void; testId: string }) {
  if (sources.length < 2) return null;
  return (
    <label>
      Source{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {sources.map((x) => (
          <option key={x.name} value={x.name}>
            {x.name} ({x.kind})
          </option>
        ))}
      </select>
    </label>
  );
}
