import { describe, expect, it } from 'vitest';
import { BoundedCache } from './cache';

describe('BoundedCache', () => {
  it('keeps entries until it holds maxEntries, then clears itself whole before the next one', () => {
    const c = new BoundedCache<string, number>({ maxEntries: 3 });
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c'), c.size]).toEqual([1, 2, 3, 3]);
    c.set('d', 4);
    expect([c.get('a'), c.get('c'), c.get('d'), c.size]).toEqual([undefined, undefined, 4, 1]);
  });

  it('clears when an entry would take the total cost past maxCost', () => {
    const c = new BoundedCache<number, string>({ maxCost: 10 });
    c.set(1, 'x', 4);
    c.set(2, 'y', 6);
    expect([c.size, c.cost]).toEqual([2, 10]);
    c.set(3, 'z', 1);
    expect([c.get(1), c.get(3), c.size, c.cost]).toEqual([undefined, 'z', 1, 1]);
    // An entry costlier than the budget is still stored (alone), and goes at the next insert.
    c.set(4, 'big', 50);
    expect([c.get(3), c.get(4), c.cost]).toEqual([undefined, 'big', 50]);
    c.set(5, 'w', 0);
    expect([c.get(4), c.get(5), c.cost]).toEqual([undefined, 'w', 0]);
  });

  it('prepend links a new entry to the key head that survives the room-making, never to a cleared one', () => {
    interface E {
      v: number;
      next: E | undefined;
    }
    const c = new BoundedCache<string, E>({ maxEntries: 2 });
    c.prepend('k', (next) => ({ v: 1, next }));
    c.prepend('k', (next) => ({ v: 2, next }));
    expect(c.get('k')?.next?.v).toBe(1);
    c.prepend('j', (next) => ({ v: 3, next }));
    // Full (2 keys): the cache is cleared first, so the new head of k starts a fresh chain.
    const head = c.prepend('k', (next) => ({ v: 4, next }));
    expect(head.next).toBeUndefined();
    expect([c.get('j'), c.size]).toEqual([undefined, 1]);
  });

  it('has no cap unless given one', () => {
    const c = new BoundedCache<number, number>({});
    for (let i = 0; i < 10_000; i++) c.set(i, i, 1000);
    expect([c.size, c.cost]).toEqual([10_000, 10_000_000]);
    c.clear();
    expect([c.size, c.cost, c.get(5)]).toEqual([0, 0, undefined]);
  });
});
