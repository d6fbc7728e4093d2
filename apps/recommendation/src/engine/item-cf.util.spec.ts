import fc from 'fast-check';
import type { RatingTuple } from '@app/contracts';
import { buildItemCf, recommend } from './item-cf.util';

/** Straightforward adjusted cosine over the whole matrix, to check the fast build against. */
function naiveSimilarity(ratings: RatingTuple[], a: string, b: string): number {
  const byUser = new Map<string, Map<string, number>>();
  for (const [m, u, s] of ratings) byUser.set(u, (byUser.get(u) ?? new Map<string, number>()).set(m, s));
  const centred = (u: Map<string, number>, m: string) => u.get(m)! - [...u.values()].reduce((x, y) => x + y, 0) / u.size;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const u of byUser.values()) {
    if (u.has(a)) na += centred(u, a) ** 2;
    if (u.has(b)) nb += centred(u, b) ** 2;
    if (u.has(a) && u.has(b)) dot += centred(u, a) * centred(u, b);
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

const matrix: RatingTuple[] = [
  ['A', 'u1', 5],
  ['B', 'u1', 4],
  ['C', 'u1', 1],
  ['A', 'u2', 4],
  ['B', 'u2', 5],
  ['C', 'u2', 2],
  ['A', 'u3', 1],
  ['B', 'u3', 2],
  ['C', 'u3', 5],
  ['D', 'u3', 4],
];

describe('item-based CF', () => {
  it('computes adjusted cosine on a known matrix and keeps only positive neighbours', () => {
    const model = buildItemCf(matrix, 10);
    // u1 centred (5,4,1)-10/3, u2 (4,5,2)-11/3, u3 (1,2,5,4)-3: A·B = 1.6667*0.6667 + 0.3333*1.3333 + (-2)(-1) = 3.5556
    const ab = model.neighbours.get('A')!.find((n) => n.movieId === 'B')!.similarity;
    expect(ab).toBeCloseTo(3.5556 / Math.sqrt((1.6667 ** 2 + 0.3333 ** 2 + 4) * (0.6667 ** 2 + 1.3333 ** 2 + 1)), 3);
    expect(ab).toBeCloseTo(naiveSimilarity(matrix, 'A', 'B'), 10);
    expect(model.neighbours.get('A')!.map((n) => n.movieId)).toEqual(['B']);
    expect(model.neighbours.get('C')!.map((n) => n.movieId)).toEqual(['D']);
    expect(model).toMatchObject({ users: 3, movies: 4, ratings: 10 });
  });

  it('agrees with the naive computation on random matrices and keeps the top K in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 5 })), {
          selector: ([m, u]) => `${m}:${u}`,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 4 }),
        (rows, k) => {
          const ratings = rows.map(([m, u, s]): RatingTuple => [`m${m}`, `u${u}`, s]);
          const model = buildItemCf(ratings, k);
          const movies = [...new Set(ratings.map((r) => r[0]))];
          for (const a of movies) {
            const expected = movies
              .filter((b) => b !== a)
              .map((b) => ({ b, s: naiveSimilarity(ratings, a, b) }))
              .filter((x) => x.s > 1e-12)
              .sort((x, y) => y.s - x.s);
            const got = model.neighbours.get(a) ?? [];
            expect(got.length).toBe(Math.min(k, expected.length));
            got.forEach((n, p) => {
              expect(n.similarity).toBeCloseTo(naiveSimilarity(ratings, a, n.movieId), 9);
              expect(n.similarity).toBeCloseTo(expected[p].s, 9);
            });
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('recommends neighbours of liked movies, never a rated one, then fills with popular picks', () => {
    const model = buildItemCf(matrix, 10);
    const recs = recommend(model, [{ movieId: 'A', score: 5 }], 3);
    expect(recs[0]).toMatchObject({ movieId: 'B', reason: 'similar' });
    expect(recs.map((r) => r.movieId)).not.toContain('A');
    expect(recs.slice(1).every((r) => r.reason === 'popular')).toBe(true);
    expect(recs).toHaveLength(3);
  });

  it('pushes away neighbours of disliked movies', () => {
    const model = buildItemCf(matrix, 10);
    const recs = recommend(model, [{ movieId: 'C', score: 1 }], 3);
    expect(recs.find((r) => r.movieId === 'D')?.reason).not.toBe('similar');
  });

  it('answers a cold-start user with Bayesian-average popular picks', () => {
    // many-high: eight ratings averaging 4.625 beats one-five: a single 5.
    const ratings: RatingTuple[] = [
      ['one-five', 'u9', 5],
      ...[5, 4, 5, 4, 5, 4, 5, 5].map((s, u): RatingTuple => ['many-high', `u${u}`, s]),
      ['low', 'u2', 1],
    ];
    const recs = recommend(buildItemCf(ratings, 5), [], 3);
    expect(recs.map((r) => r.movieId)).toEqual(['many-high', 'one-five', 'low']);
    expect(recs.every((r) => r.reason === 'popular')).toBe(true);
  });
});
