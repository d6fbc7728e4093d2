import { averageOf } from './movie-rating.util';

describe('the average rating of a movie', () => {
  it('computes the average from sum and count, 0 without ratings', () => {
    expect(averageOf(0, 0)).toBe(0);
    expect(averageOf(14, 4)).toBe(3.5);
    expect(averageOf(10, 3)).toBeCloseTo(3.3333, 4);
  });
});
