import { hostname } from 'node:os';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Principal } from '@app/auth';
import type { AppConfig } from '@app/config';
import type { ChangeEvent, MovieDto, RatingTuple } from '@app/contracts';
import { MemoryEventBus } from '@app/events';
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

describe('RecommendationsService (repositories and the movie service mocked, the in-memory event engine real)', () => {
  let catalog: { allRatings: jest.Mock; moviesByIds: jest.Mock };
  let store: { latest: jest.Mock; save: jest.Mock };
  let snapshots: { latest: jest.Mock; save: jest.Mock };
  let bus: MemoryEventBus;
  let service: RecommendationsService;

  async function start(): Promise<RecommendationsService> {
    const config = { recommendation: { rebuildIntervalSec: 0, neighbours: 20 }, services: { recommendation: { port: 1 } } } as AppConfig;
    service = new RecommendationsService(
      config,
      catalog as unknown as MovieCatalogClient,
      store as unknown as ModelRepository,
      snapshots as unknown as RatingsSnapshotRepository,
      new SchedulerRegistry(),
      bus,
    );
    await service.onApplicationBootstrap();
    return service;
  }

  beforeEach(() => {
    bus = new MemoryEventBus(() => ({ maxAgeMs: 60_000, maxMsgs: 1000 }));
    catalog = {
      allRatings: jest.fn(async () => RATINGS),
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
    const deleted: ChangeEvent = { pos: '9999999999999-000000001-w', type: 'rating.deleted', movieId: 'm1', userId: 'alice', at: 'now' };
    await bus.publish('changes', deleted.type, deleted);
    await waitFor(() => service.feedStatus().eventsApplied === 1);
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
    // Saved under this stream, before the event below: the restart applies the event over the saved copy.
    snapshots.latest.mockResolvedValue({ ratings: RATINGS, position: `${(await bus.state('changes')).epoch}/0` });
    catalog.allRatings.mockClear();
    await start();
    await expect(service.forUser('alice', 1, actor('alice'))).resolves.toMatchObject({ items: [{ movie: { id: 'm2' } }] });
    expect(catalog.allRatings).not.toHaveBeenCalled();
  });

  it('acknowledges events only once a saved copy holds them, and repairs from an export when the saved copy is of another stream', async () => {
    snapshots.latest.mockResolvedValue({ ratings: RATINGS, position: 'another-epoch/7' });
    await start();
    await service.forUser('alice', 1, actor('alice'));
    expect(catalog.allRatings).toHaveBeenCalledTimes(1);
    const changed: ChangeEvent = { pos: 'p1', type: 'rating.changed', movieId: 'm4', userId: 'alice', score: 4, at: 'now' };
    const seq = await bus.publish('changes', changed.type, changed);
    await waitFor(() => service.feedStatus().eventsApplied === 1);
    await service.onApplicationShutdown();
    const [, saved, position] = snapshots.save.mock.calls.at(-1) as [string, RatingTuple[], string];
    expect(position).toBe(`${(await bus.state('changes')).epoch}/${seq}`);
    expect(saved).toContainEqual(['m4', 'alice', 4]);
    // The durable consumer acknowledged the event: a consumer of the same name starts after it.
    const next: number[] = [];
    const durable = `recommendation-${hostname()}-1`.replace(/[^A-Za-z0-9_-]/g, '_');
    const again = await bus.follow('changes', { durable, from: 'all', ack: 'each' }, (e) => void next.push(e.seq));
    await new Promise((r) => setTimeout(r, 20));
    expect(next).toEqual([]);
    await again.stop();
  });
});

async function waitFor(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
