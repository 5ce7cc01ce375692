'use client';
import type { ReactNode } from 'react';
import styles from './FlameGraph.module.css';

/** The zoomed frame path of a flame graph (its last three frames), with a way back to the whole graph. */
export function ZoomCrumbs({ path, onReset, testId = 'zoom-path', children }: { path: readonly string[]; onReset: () => void; testId?: string; children?: ReactNode }) {
  if (path.length === 0) return null;
  return (
    <div className={styles.crumbs}>
      <button onClick={onReset} data-testid="reset-zoom">
        Reset zoom
      </button>
      {children}
      <span className="mono" title={path.join(' → ')} data-testid={testId}>
        {path.length > 3 ? '… → ' : ''}
        {path.slice(-3).join(' → ')}
      </span>
    </div>
  );
}
