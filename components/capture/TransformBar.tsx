'use client';
import { useState } from 'react';
import { parseTransform, type Transform, type TransformOp } from '@/lib/util/transforms';
import styles from './CaptureView.module.css';

/** What each transform does, as the add menu offers it (op, label, what the argument is). */
const OPS: [TransformOp, string, string | null][] = [
  ['focus', 'Focus on function', 'function name or /regex/'],
  ['drop', 'Drop frames (time to parent)', 'frame name or /regex/, e.g. /^cpuidle/'],
  ['excl', 'Exclude stacks through', 'frame name or /regex/, e.g. swapper'],
  ['rec', 'Collapse recursion', 'function (empty: direct recursion of any)'],
  ['mod', 'Collapse module', 'module file name, /regex/, or kernel'],
  ['unk', 'Merge [unknown] runs', null],
  ['hide', 'Hide frames under %', 'percent, e.g. 0.5'],
];

/** The idle task's stacks (perf names it swapper, with -p swapper-0): the one-click preset. */
const WITHOUT_IDLE: Transform = { op: 'excl', arg: '/^swapper/' };

/** A chip's words for one transform. */
export function describeTransform(t: Transform): string {
  switch (t.op) {
    case 'focus':
      return `focus ${t.arg}`;
    case 'drop':
      return `drop ${t.arg}`;
    case 'excl':
      return `exclude ${t.arg}`;
    case 'rec':
      return t.arg ? `collapse recursion of ${t.arg}` : 'collapse direct recursion';
    case 'mod':
      return `collapse ${t.arg === 'kernel' ? 'kernel' : t.arg}`;
    case 'unk':
      return 'merge [unknown] runs';
    case 'hide':
      return `hide < ${t.pct} %`;
  }
}

/**
 * The stack of transforms every flame graph, comparison and table of the page is drawn through:
 * one chip each, in order, removable one by one or undone from the top, and a form to add one.
 */
export function TransformBar({ transforms, onChange }: { transforms: readonly Transform[]; onChange: (next: Transform[]) => void }) {
  const [op, setOp] = useState<TransformOp>('drop');
  const [arg, setArg] = useState('');
  const [error, setError] = useState<string | null>(null);
  const needs = OPS.find(([o]) => o === op)?.[2] ?? null;
  const add = () => {
    try {
      const t = parseTransform(needs === null || (op === 'rec' && arg.trim() === '') ? op : `${op}:${arg.trim()}`);
      onChange([...transforms, t]);
      setArg('');
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className={styles.transforms} data-testid="transforms">
      <span className="muted">Transforms</span>
      {transforms.map((t, i) => (
        <span key={i} className={styles.chip} data-testid="transform-chip">
          {describeTransform(t)}
          <button onClick={() => onChange(transforms.filter((_, k) => k !== i))} aria-label={`remove transform ${describeTransform(t)}`}>
            ×
          </button>
        </span>
      ))}
      {!transforms.some((t) => t.op === 'excl' && t.arg === '/^swapper/') && (
        <button onClick={() => onChange([...transforms, WITHOUT_IDLE])} title="Exclude the idle task's stacks (swapper): rank and compare what the hosts did while busy" data-testid="transform-no-idle">
          Without idle
        </button>
      )}
      {transforms.length > 0 && (
        <button onClick={() => onChange(transforms.slice(0, -1))} data-testid="transform-undo" title="Remove the last transform">
          Undo
        </button>
      )}
      <form
        className={styles.transformForm}
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <select value={op} onChange={(e) => setOp(e.target.value as TransformOp)} aria-label="transform" data-testid="transform-op">
          {OPS.map(([o, label]) => (
            <option key={o} value={o}>
              {label}
            </option>
          ))}
        </select>
        {needs !== null && <input value={arg} onChange={(e) => setArg(e.target.value)} placeholder={needs} aria-label="transform argument" data-testid="transform-arg" />}
        <button type="submit" data-testid="transform-add">
          Add
        </button>
        {error && (
          <span className="error" data-testid="transform-error">
            {error}
          </span>
        )}
      </form>
    </div>
  );
}

/** Buttons that add a transform about one frame (the zoomed one, or a function's row). */
export function FrameTransforms({ name, onAdd }: { name: string; onAdd: (t: Transform) => void }) {
  return (
    <span className={styles.frameTransforms}>
      <button onClick={() => onAdd({ op: 'focus', arg: name })} title={`Every occurrence of ${name} becomes a root`} data-testid="frame-focus">
        Focus function
      </button>
      <button onClick={() => onAdd({ op: 'drop', arg: name })} title={`Hide ${name}, giving its time to its callers`} data-testid="frame-drop">
        Drop
      </button>
      <button onClick={() => onAdd({ op: 'excl', arg: name })} title={`Remove every stack through ${name}`} data-testid="frame-exclude">
        Exclude
      </button>
      <button onClick={() => onAdd({ op: 'rec', arg: name })} title={`Collapse the recursion of ${name}`}>
        Collapse recursion
      </button>
    </span>
  );
}
