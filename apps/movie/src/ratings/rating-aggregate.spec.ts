import { averageOf, changeDelta, deleteDelta, insertDelta } from './rating-aggregate';

describe('rating aggregates', () => {
  it('keeps sum and count equal to a recomputation over any sequence of inserts, changes and deletes', () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const scores = new Map<number, number>();
    let sum = 0;
    let count = 0;
    for (let step = 0; step < 2000; step++) {
      const user = rand(40);
      const score = 1 + rand(5);
      const old = scores.get(user);
      const action = rand(3);
      let delta;
      if (action === 2 && old !== undefined) {
        delta = deleteDelta(old);
        scores.delete(user);
      } else if (old !== undefined) {
        delta = changeDelta(old, score);
        scores.set(user, score);
      } else {
        delta = insertDelta(score);
        scores.set(user, score);
      }
      sum += delta.sum;
      count += delta.count;
      const values = [...scores.values()];
      expect(count).toBe(values.length);
      expect(sum).toBe(values.reduce((a, b) => a + b, 0));
    }
  });

  it('computes the average from sum and count, 0 without ratings', () => {
    expect(averageOf(0, 0)).toBe(0);
    expect(averageOf(14, 4)).toBe(3.5);
    expect(averageOf(10, 3)).toBeCloseTo(3.3333, 4);
  });

  it('gives the exact deltas', () => {
    expect(insertDelta(4)).toEqual({ sum: 4, count: 1 });
    expect(changeDelta(4, 2)).toEqual({ sum: -2, count: 0 });
    expect(deleteDelta(5)).toEqual({ sum: -5, count: -1 });
  });
});
