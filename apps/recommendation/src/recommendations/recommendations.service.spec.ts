import { SchedulerRegistry } from '@nestjs/schedule';
import type { Principal } from '@app/auth';
import type { AppConfig } from '@app/config';
import type { ChangeEvent, ChangesPage, MovieDto, RatingTuple } from '@app/contracts';
import type { ModelRepository } from './model.repository';
import type { MovieCatalogClient } from './movie-catalog.client';
import type { RatingsSnapshotRepository } from './ratings-snapshot.repository';
import { RecommendationsService } from './recommendations.service';

const actor = (id: string, role: Principal['role'] = 'user'): Principal => ({ id, username: id, role, jti: 'j', exp: 0 });
const movie = (id: string): MovieDto => ({ id, name: `Movie ${id}` }) as MovieDto;

// [movieId, userId, score]: m1 and m2 are liked by the same people, m3 is disliked by them, m4 is rated by one.
const RATINGS: RatingTuple[] = [
  ['m1', 'u1', 5],
  ['m2', 'u1', 5],
  ['m3', 'u1', 1],
  ['m1', 'u2', 5],
  ['m2', 'u2', 4],
  ['m3', 'u2', 2],
  ['m1', 'u3', 4],
  ['m2', 'u3', 5],
  ['m4', 'u3', 3],
  ['m1', 'alice', 5],
];

describe('RecommendationsService (repositories and the movie service mocked)', () => {
  let catalog: { allRatings: jest.Mock; changes: jest.Mock; moviesByIds: jest.Mock };
  let store: { latest: jest.Mock; save: jest.Mock };
  let snapshots: { latest: jest.Mock; save: jest.Mock };
  let feed: ChangeEvent[];
  let service: RecommendationsService;

  async function start(): Promise<RecommendationsService> {
    const config = { recommendation: { rebuildIntervalSec: 0, neighbours: 20 } } as AppConfig;
    service = new RecommendationsService(
      config,
      catalog as unknown as MovieCatalogClient,
      store as unknown as ModelRepository,
      snapshots as unknown as RatingsSnapshotRepository,
      new SchedulerRegistry(),
    );
    await service.onApplicationBootstrap();
    return service;
  }

  beforeEach(() => {
    feed = [];
    catalog = {
      allRatings: jest.fn(async () => RATINGS),
      changes: jest.fn(async (after?: string): Promise<ChangesPage> => ({
        events: feed.filter((e) => after === undefined || e.pos > after),
        horizon: '0000000000000',
      })),
      moviesByIds: jest.fn(async (ids: string[]) => ids.map(movie)),
    };
    store = { latest: jest.fn(async () => null), save: jest.fn(async () => undefined) };
    snapshots = { latest: jest.fn(async () => null), save: jest.fn(async () => undefined) };
  });

  afterEach(() => service?.onApplicationShutdown());

  describe('who may read recommendations', () => {
    it("refuses a user another user's recommendations (403) before reading anything", async () => {
      await start();
      await expect(service.forUser('alice', 5, actor('bob'))).rejects.toMatchObject({ status: 403 });
      expect(catalog.moviesByIds).not.toHaveBeenCalled();
    });

    it('answers users for themselves and admins for anyone', async () => {
      await start();
      await expect(service.forUser('alice', 5, actor('alice'))).resolves.toMatchObject({ strategy: 'item-cf' });
      await expect(service.forUser('alice', 5, actor('root', 'admin'))).resolves.toMatchObject({ strategy: 'item-cf' });
    });
  });

  it('starts without a snapshot from a full export, then recommends what is liked alongside the user’s ratings, never what they rated', async () => {
    await start();
    const answer = await service.forUser('alice', 2, actor('alice'));
    expect(catalog.allRatings).toHaveBeenCalledTimes(1);
    expect(answer.items.map((i) => [i.movie.id, i.reason])).toEqual([
      ['m2', 'similar'],
      ['m4', 'popular'],
    ]);
    expect(answer.items.every((i) => i.movie.id !== 'm1')).toBe(true);
    expect(answer.generatedAt).toEqual(expect.any(String));
    expect(snapshots.save).toHaveBeenCalledWith(expect.any(String), RATINGS, expect.any(String));
  });

  it('answers popular picks for a user without ratings, and skips movies the movie service no longer has', async () => {
    catalog.moviesByIds.mockImplementation(async (ids: string[]) => ids.filter((id) => id !== 'm2').map(movie));
    await start();
    const answer = await service.forUser('newcomer', 3, actor('newcomer'));
    expect(answer.strategy).toBe('popular');
    expect(answer.items.map((i) => i.movie.id)).not.toContain('m2');
    expect(answer.items.length).toBeGreaterThan(0);
    expect(answer.items.every((i) => i.reason === 'popular')).toBe(true);
  });

  it('answers 503 when the ratings copy cannot be read yet (the gateway then falls back)', async () => {
    catalog.allRatings.mockRejectedValue(new Error('movie service down'));
    await start();
    await expect(service.forUser('alice', 5, actor('alice'))).rejects.toMatchObject({ status: 503 });
  });

  it('applies change events to its copy: a deleted rating is gone from the next build', async () => {
    await start();
    await service.forUser('alice', 1, actor('alice'));
    feed.push({ pos: '9999999999999-000000001-w', type: 'rating.deleted', movieId: 'm1', userId: 'alice', at: 'now' });
    const { buildId } = service.startRebuild();
    await waitFor(() => !service.status(buildId).running);
    expect(service.status(buildId).result).toMatchObject({ ratings: RATINGS.length - 1, users: 3, movies: 4 });
    expect(service.feedStatus()).toMatchObject({ eventsApplied: 1, ratings: RATINGS.length - 1 });
    expect((await service.forUser('alice', 5, actor('alice'))).strategy).toBe('popular');
  });

  it('queues a rebuild asked for while one runs, and answers 404 for an unknown build', async () => {
    await start();
    await service.forUser('alice', 1, actor('alice'));
    const first = service.startRebuild();
    const second = service.startRebuild();
    const third = service.startRebuild(true);
    expect(second.buildId).toBe(first.buildId + 1);
    expect(third.buildId).toBe(second.buildId);
    await waitFor(() => !service.status(second.buildId).running);
    expect(catalog.allRatings).toHaveBeenCalledTimes(2);
    expect(() => service.status(999)).toThrow(expect.objectContaining({ status: 404 }) as Error);
  });

  it('stores each build for a warm restart, and a stored build answers at once', async () => {
    await start();
    await service.forUser('alice', 1, actor('alice'));
    await waitFor(() => store.save.mock.calls.length > 0);
    const [, model] = store.save.mock.calls[0] as Parameters<ModelRepository['save']>;
    await service.onApplicationShutdown();

    store.latest.mockResolvedValue({ model, builtAt: new Date() });
    snapshots.latest.mockResolvedValue({ ratings: RATINGS, position: '0000000000001' });
    catalog.allRatings.mockClear();
    await start();
    await expect(service.forUser('alice', 1, actor('alice'))).resolves.toMatchObject({ items: [{ movie: { id: 'm2' } }] });
    expect(catalog.allRatings).not.toHaveBeenCalled();
  });
});

async function waitFor(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
