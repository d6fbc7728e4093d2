import type { Principal } from '@app/auth';
import { AppError } from '@app/common';
import type { ChangeFeedService } from '../changes/change-feed.service';
import { MovieLifecycle } from '../movies/movie-lifecycle.service';
import type { MoviesRepository } from '../movies/movies.repository';
import type { RatingAggregateRefresher } from './rating-aggregate.refresher';
import type { RatingEntity } from './rating.entity';
import type { RatingsRepository } from './ratings.repository';
import { RatingsService } from './ratings.service';

const MOVIE = 'a'.repeat(24);
const GONE = 'f'.repeat(24);
/** A signed-in user with an ObjectId like the ones the user service hands out. */
const user = (n: number, role: Principal['role'] = 'user'): Principal => ({
  id: n.toString(16).padStart(24, '0'),
  username: `user${n}`,
  role,
  jti: `jti-${n}`,
  exp: 0,
});
const U1 = user(1);

/** The service's rules with its repositories mocked; the database behaviour is covered by the e2e suites. */
describe('RatingsService', () => {
  let stored: Map<string, RatingEntity>;
  let movies: { exists: jest.Mock };
  let ratings: { upsert: jest.Mock; remove: jest.Mock; removeAllOfMovie: jest.Mock; ofUser: jest.Mock };
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
        stored.set(userId, { movieId, userId, score, comment, createdAt: before?.createdAt ?? now, updatedAt: now });
        return before;
      }),
      remove: jest.fn(async (_movieId: string, userId: string) => {
        const before = stored.get(userId) ?? null;
        stored.delete(userId);
        return before;
      }),
      removeAllOfMovie: jest.fn(async () => stored.size),
      ofUser: jest.fn(async (userId: string) =>
        [...stored.values()].filter((r) => r.userId === userId).map(({ movieId, score }) => ({ movieId, score })),
      ),
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
    const answer = await service.rate(MOVIE, { score: 4 }, U1);
    expect(answer).toEqual(expect.objectContaining({ movieId: MOVIE, userId: U1.id, score: 4, comment: '' }));
    expect(answer.createdAt).toBe(answer.updatedAt);
    expect(record).toHaveBeenCalledWith('rating.inserted', MOVIE, { userId: U1.id, score: 4 });
    expect(refresh).toHaveBeenCalledWith(MOVIE, { sum: 4, count: 1 });
  });

  it('answers a change with the first createdAt, records a change and adds only the difference', async () => {
    const first = await service.rate(MOVIE, { score: 4 }, U1);
    await new Promise((r) => setTimeout(r, 2));
    const changed = await service.rate(MOVIE, { score: 2, comment: 'meh' }, U1);
    expect(changed.createdAt).toBe(first.createdAt);
    expect(changed.updatedAt > first.updatedAt).toBe(true);
    expect(changed.comment).toBe('meh');
    expect(record).toHaveBeenLastCalledWith('rating.changed', MOVIE, { userId: U1.id, score: 2 });
    expect(refresh).toHaveBeenLastCalledWith(MOVIE, { sum: -2, count: 0 });
  });

  it('removes a rating with a negative delta, and answers 404 for a rating or a movie that is not there', async () => {
    await service.rate(MOVIE, { score: 5 }, U1);
    await service.unrate(MOVIE, U1);
    expect(refresh).toHaveBeenLastCalledWith(MOVIE, { sum: -5, count: -1 });
    expect(record).toHaveBeenLastCalledWith('rating.deleted', MOVIE, { userId: U1.id });
    await expect(service.unrate(MOVIE, U1)).rejects.toMatchObject({ status: 404, message: 'Rating not found' });
    await expect(service.rate(GONE, { score: 3 }, U1)).rejects.toBeInstanceOf(AppError);
    expect(ratings.upsert).toHaveBeenCalledTimes(1);
  });

  it('asks whether a movie exists once for a burst, and again at once after this instance deleted it', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => service.rate(MOVIE, { score: 3 }, user(i + 10))));
    expect(movies.exists).toHaveBeenCalledTimes(1);
    await lifecycle.deleted(MOVIE);
    expect(ratings.removeAllOfMovie).toHaveBeenCalledWith(MOVIE);
    movies.exists.mockResolvedValue(false);
    await expect(service.rate(MOVIE, { score: 3 }, user(99))).rejects.toMatchObject({ status: 404 });
  });

  it("lets only users and admins rate, and shows a user's ratings to that user, admins and services only", async () => {
    await expect(service.rate(MOVIE, { score: 3 }, user(2, 'service'))).rejects.toMatchObject({ status: 403 });
    await expect(service.unrate(MOVIE, user(2, 'service'))).rejects.toMatchObject({ status: 403 });
    await expect(service.rate(MOVIE, { score: 3 }, { ...U1, id: 'not-an-id' })).rejects.toMatchObject({ status: 400 });
    expect(ratings.upsert).not.toHaveBeenCalled();
    await service.rate(MOVIE, { score: 5 }, user(3, 'admin'));
    await service.rate(MOVIE, { score: 4 }, U1);
    const own = [{ movieId: MOVIE, score: 4 }];
    await expect(service.ofUser(U1.id, U1)).resolves.toEqual(own);
    await expect(service.ofUser(U1.id, user(3, 'admin'))).resolves.toEqual(own);
    await expect(service.ofUser(U1.id, user(4, 'service'))).resolves.toEqual(own);
    await expect(service.ofUser(U1.id, user(5))).rejects.toMatchObject({ status: 403 });
  });

  it("recomputes an edited movie's aggregate from its ratings", () => {
    lifecycle.changed(MOVIE);
    expect(refresh).toHaveBeenCalledWith(MOVIE);
  });
});
