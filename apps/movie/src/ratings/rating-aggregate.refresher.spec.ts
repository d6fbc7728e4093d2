import { setTimeout as sleep } from 'node:timers/promises';
import type { MoviesRepository } from '../movies/movies.repository';
import { RatingAggregateRefresher, SETTLE_MS } from './rating-aggregate.refresher';
import type { RatingsRepository } from './ratings.repository';

/** Ratings and the movie in memory; reading them takes a moment, like a database round trip. */
function setup() {
  const scores = new Map<string, number>();
  const stored: { sum: number; count: number }[] = [];
  let reads = 0;
  const ratings = {
    aggregateOf: async () => {
      reads++;
      const snapshot = [...scores.values()];
      await sleep(20);
      return { sum: snapshot.reduce((a, b) => a + b, 0), count: snapshot.length };
    },
  } as unknown as RatingsRepository;
  const movies = {
    findById: async () => {
      await sleep(5);
      return { ratingSum: stored.at(-1)?.sum ?? 0, ratingCount: stored.at(-1)?.count ?? 0 };
    },
    setRatingAggregate: async (_id: string, sum: number, count: number) => void stored.push({ sum, count }),
  } as unknown as MoviesRepository;
  return {
    scores,
    stored,
    reads: () => reads,
    refresher: new RatingAggregateRefresher(ratings, movies, { written: async () => undefined } as never),
  };
}

describe('RatingAggregateRefresher', () => {
  it('lets each writer see an aggregate that includes its write, with about two recomputations for a burst', async () => {
    const { scores, stored, reads, refresher } = setup();
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await sleep(i % 5);
        scores.set(`u${i}`, 1 + (i % 5));
        await refresher.refresh('m1');
        // What was stored when this writer's call resolved already counts this writer's rating.
        expect(stored.at(-1)!.count).toBeGreaterThanOrEqual([...scores.keys()].indexOf(`u${i}`) + 1);
      }),
    );
    expect(reads()).toBeLessThanOrEqual(6);
    expect(stored.at(-1)).toEqual({ count: 50, sum: [...scores.values()].reduce((a, b) => a + b, 0) });
    refresher.onModuleDestroy();
  });

  it('adds the deltas of a burst in a few updates, without reading the ratings until the burst is over', async () => {
    const { scores, stored, reads, refresher } = setup();
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await sleep(i % 5);
        const score = 1 + (i % 5);
        scores.set(`u${i}`, score);
        await refresher.refresh('m1', { sum: score, count: 1 });
        expect(stored.at(-1)!.count).toBeGreaterThanOrEqual([...scores.keys()].indexOf(`u${i}`) + 1);
      }),
    );
    // A change and a delete by users of the burst.
    scores.set('u0', 5);
    await refresher.refresh('m1', { sum: 5 - 1, count: 0 });
    scores.delete('u1');
    await refresher.refresh('m1', { sum: -2, count: -1 });
    const exact = { count: 49, sum: [...scores.values()].reduce((a, b) => a + b, 0) };
    expect(reads()).toBe(0);
    expect(stored.length).toBeLessThan(20);
    expect(stored.at(-1)).toEqual(exact);
    // The settle pass reads the ratings once, finds the same figures and stores nothing more.
    const updates = stored.length;
    await sleep(SETTLE_MS + 100);
    expect(reads()).toBe(1);
    expect(stored.length).toBe(updates);
    refresher.onModuleDestroy();
  });

  it('recomputes once more after a quiet moment, which catches writes made elsewhere', async () => {
    const { scores, stored, reads, refresher } = setup();
    scores.set('u1', 4);
    await refresher.refresh('m1');
    expect(reads()).toBe(1);
    // Another instance's write lands after this one's recomputation read.
    scores.set('u2', 2);
    await sleep(SETTLE_MS + 100);
    expect(reads()).toBe(2);
    expect(stored.at(-1)).toEqual({ sum: 6, count: 2 });
    refresher.onModuleDestroy();
  });
});
