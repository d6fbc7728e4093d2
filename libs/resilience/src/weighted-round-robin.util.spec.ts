import { SmoothWeightedRoundRobin } from './weighted-round-robin.util';

describe('SmoothWeightedRoundRobin', () => {
  const a = { id: 'a', weight: 3 };
  const b = { id: 'b', weight: 1 };
  const c = { id: 'c', weight: 2 };

  it('spreads 3:1 evenly', () => {
    const wrr = new SmoothWeightedRoundRobin([a, b]);
    expect(Array.from({ length: 8 }, () => wrr.next()!.id).join('')).toBe('aaba' + 'aaba');
  });

  it('keeps the exact shares for 3:1:2', () => {
    const wrr = new SmoothWeightedRoundRobin([a, b, c]);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 600; i++) counts[wrr.next()!.id]++;
    expect(counts).toEqual({ a: 300, b: 100, c: 200 });
  });

  it('skips items that are not usable and returns undefined when none is', () => {
    const wrr = new SmoothWeightedRoundRobin([a, b]);
    for (let i = 0; i < 5; i++) expect(wrr.next((item) => item.id !== 'a')!.id).toBe('b');
    expect(wrr.next(() => false)).toBeUndefined();
  });
});
