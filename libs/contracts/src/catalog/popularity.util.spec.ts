import { bayesianAverage, rankByPopularity } from './popularity.util';

describe('rankByPopularity', () => {
  it('puts many good ratings above one perfect rating, and breaks ties by the number of ratings', () => {
    const movies = [
      { id: 'one-five', sum: 5, count: 1 },
      { id: 'many-4.5', sum: 450, count: 100 },
      { id: 'few-4.5', sum: 9, count: 2 },
      { id: 'twin-4.5', sum: 9, count: 2 },
      { id: 'many-2', sum: 200, count: 100 },
    ];
    const ranked = rankByPopularity(movies, (m) => m);
    expect(ranked[0].item.id).toBe('many-4.5');
    expect(ranked.at(-1)!.item.id).toBe('many-2');
    // Global mean 673/205, prior weight 205/5 = 41 virtual ratings.
    expect(ranked[0].score).toBeCloseTo(bayesianAverage(450, 100, 673 / 205, 41), 12);
    const one = ranked.findIndex((r) => r.item.id === 'one-five');
    const few = ranked.findIndex((r) => r.item.id === 'few-4.5');
    expect(few).toBeLessThan(one);
  });

  it('ranks nothing when nothing is rated', () => {
    expect(rankByPopularity([{ sum: 0, count: 0 }], (m) => m)).toEqual([]);
  });
});
