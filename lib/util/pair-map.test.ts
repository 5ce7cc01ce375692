import { describe, expect, it } from 'vitest';
import { PairMap } from './pair-map';

describe('PairMap', () => {
  it('finds what was added, across growth, with -1 as a key part', () => {
    const m = new PairMap();
    for (let a = -1; a < 300; a++) for (let b = 0; b < 40; b++) m.add(a, b, (a + 1) * 40 + b);
    expect(m.size).toBe(301 * 40);
    for (let a = -1; a < 300; a++) for (let b = 0; b < 40; b++) expect(m.get(a, b)).toBe((a + 1) * 40 + b);
    expect(m.get(300, 0)).toBe(-1);
    expect(m.get(5, 40)).toBe(-1);
  });
});
