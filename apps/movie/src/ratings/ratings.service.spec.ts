import { AppError } from '@app/common';
import type { ChangeFeedService } from '../changes/change-feed.service';
import { MovieLifecycle } from '../movies/movie-lifecycle.service';
import type { MoviesRepository } from '../movies/movies.repository';
import type { RatingAggregateRefresher } from './rating-aggregate.refresher';
import type { RatingRecord } from './rating.schema';
import type { RatingsRepository } from './ratings.repository';
import { RatingsService } from './ratings.service';

const MOVIE = 'a'.repeat(24);
const GONE = 'f'.repeat(24);

/** The service's rules with its repositories mocked; the database behaviour is covered by the e2e suites. */
describe('RatingsService', () => {
  let stored: Map<string, RatingRecord>;
  let movies: { exists: jest.Mock };
  let ratings: { upsert: jest.Mock; remove: jest.Mock; removeAllOfMovie: jest.Mock };
  let refresh: jest.Mock;
  let record: jest.Mock;
  let lifecycle: MovieLifecycle;
  let service: RatingsService;

  beforeEach(() => {
    stored = new Map();
    movies = { exists: jest.fn(async (id: string) => id === MOVIE) };
    ratings = {
      upsert: jest.fn(async (movieId: string, userId: string, score: number, comment: string, now: Date) => {
        const before = stored.get(userId) ?? null;
        stored.set(userId, {
          movieId,
          userId,
          score,
          comment,
          createdAt: before?.createdAt ?? now,
          updatedAt: now,
        } as unknown as RatingRecord);
        return before;
      }),
      remove: jest.fn(async (_movieId: string, userId: string) => {
        const before = stored.get(userId) ?? null;
        stored.delete(userId);
        return before;
      }),
      removeAllOfMovie: jest.fn(async () => stored.size),
    };
    refresh = jest.fn(async () => undefined);
    record = jest.fn(async () => undefined);
    lifecycle = new MovieLifecycle();
    service = new RatingsService(
      ratings as unknown as RatingsRepository,
      movies as unknown as MoviesRepository,
      { refresh } as unknown as RatingAggregateRefresher,
      { record } as unknown as ChangeFeedService,
      lifecycle,
    );
    service.onModuleInit();
  });

  it('answers a first rating with one timestamp, records an insert and adds its score to the aggregate', async () => {
    const answer = await service.rate(MOVIE, 'u1', { score: 4 });
    expect(answer).toEqual(expect.objectContaining({ movieId: MOVIE, userId: 'u1', score: 4, comment: '' }));
    expect(answer.createdAt).toBe(answer.updatedAt);
    expect(record).toHaveBeenCalledWith('rating.inserted', MOVIE, { userId: 'u1', score: 4 });
    expect(refresh).toHaveBeenCalledWith(MOVIE, { sum: 4, count: 1 });
  });

  it('answers a change with the first createdAt, records a change and adds only the difference', async () => {
    const first = await service.rate(MOVIE, 'u1', { score: 4 });
    await new Promise((r) => setTimeout(r, 2));
    const changed = await service.rate(MOVIE, 'u1', { score: 2, comment: 'meh' });
    expect(changed.createdAt).toBe(first.createdAt);
    expect(changed.updatedAt > first.updatedAt).toBe(true);
    expect(changed.comment).toBe('meh');
    expect(record).toHaveBeenLastCalledWith('rating.changed', MOVIE, { userId: 'u1', score: 2 });
    expect(refresh).toHaveBeenLastCalledWith(MOVIE, { sum: -2, count: 0 });
  });

  it('removes a rating with a negative delta, and answers 404 for a rating or a movie that is not there', async () => {
    await service.rate(MOVIE, 'u1', { score: 5 });
    await service.unrate(MOVIE, 'u1');
    expect(refresh).toHaveBeenLastCalledWith(MOVIE, { sum: -5, count: -1 });
    expect(record).toHaveBeenLastCalledWith('rating.deleted', MOVIE, { userId: 'u1' });
    await expect(service.unrate(MOVIE, 'u1')).rejects.toMatchObject({ status: 404, message: 'Rating not found' });
    await expect(service.rate(GONE, 'u1', { score: 3 })).rejects.toBeInstanceOf(AppError);
    expect(ratings.upsert).toHaveBeenCalledTimes(1);
  });

  it('asks whether a movie exists once for a burst, and again at once after this instance deleted it', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => service.rate(MOVIE, `u${i}`, { score: 3 })));
    expect(movies.exists).toHaveBeenCalledTimes(1);
    await lifecycle.deleted(MOVIE);
    expect(ratings.removeAllOfMovie).toHaveBeenCalledWith(MOVIE);
    movies.exists.mockResolvedValue(false);
    await expect(service.rate(MOVIE, 'late', { score: 3 })).rejects.toMatchObject({ status: 404 });
  });

  it("recomputes an edited movie's aggregate from its ratings", () => {
    lifecycle.changed(MOVIE);
    expect(refresh).toHaveBeenCalledWith(MOVIE);
  });
});
