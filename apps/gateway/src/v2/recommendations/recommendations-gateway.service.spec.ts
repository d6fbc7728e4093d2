import { MOVIE_PATTERNS, RECOMMENDATION_PATTERNS } from '@app/contracts';
import type { ServiceClient } from '@app/resilience';
import { RecommendationsGatewayService } from './recommendations-gateway.service';

type Options = { token?: string; idempotent?: boolean; fallback?: () => Promise<unknown> };

/** The gateway's recommendation routes with the two service clients mocked (the e2e suites run the real ones). */
describe('RecommendationsGatewayService', () => {
  const movie = (id: string) => ({ id, name: `Movie ${id}` });

  it('answers from the recommendation service, and from the movie service when it cannot answer', async () => {
    let recommendationUp = true;
    const recommendation = {
      send: jest.fn(async (_pattern: string, _data: unknown, options: Options) => {
        if (recommendationUp) return { items: [], strategy: 'item-cf', generatedAt: 'now' };
        return options.fallback!();
      }),
    };
    const movies = {
      send: jest.fn(async (pattern: string) =>
        pattern === MOVIE_PATTERNS.ratingsOfUser
          ? [{ movieId: 'm1', score: 5 }]
          : [
              { movie: movie('m2'), score: 4.123456 },
              { movie: movie('m3'), score: 3.5 },
            ],
      ),
    };
    const service = new RecommendationsGatewayService(recommendation as unknown as ServiceClient, movies as unknown as ServiceClient);
    expect((await service.forUser('u1', 2, 'tok')).strategy).toBe('item-cf');
    expect(recommendation.send).toHaveBeenCalledWith(
      RECOMMENDATION_PATTERNS.forUser,
      { userId: 'u1', limit: 2 },
      expect.objectContaining({ idempotent: true, token: 'tok' }),
    );

    recommendationUp = false;
    const fallback = await service.forUser('u1', 2, 'tok');
    expect(fallback.strategy).toBe('fallback-popular');
    expect(fallback.items).toEqual([
      { movie: movie('m2'), score: 4.1235, reason: 'popular' },
      { movie: movie('m3'), score: 3.5, reason: 'popular' },
    ]);
    // What the user rated is left out of the popular picks.
    expect(movies.send).toHaveBeenCalledWith(MOVIE_PATTERNS.popular, { limit: 2, exclude: ['m1'] }, { idempotent: true });
  });

  it('starts a rebuild, follows its status with short calls and answers its summary, or the failure', async () => {
    const summary = { builtAt: 'now', users: 2, movies: 3, ratings: 4, ms: 5 };
    const states = [
      { buildId: 7, running: true, result: null, error: null },
      { buildId: 7, running: true, result: null, error: null },
      { buildId: 7, running: false, result: summary, error: null },
    ];
    const recommendation = { send: jest.fn(async () => states.shift()) };
    const service = new RecommendationsGatewayService(recommendation as unknown as ServiceClient, {} as ServiceClient);
    await expect(service.rebuild('tok', false)).resolves.toEqual(summary);
    expect(recommendation.send).toHaveBeenNthCalledWith(1, RECOMMENDATION_PATTERNS.rebuildStart, { repair: false }, { token: 'tok' });
    expect(recommendation.send).toHaveBeenLastCalledWith(
      RECOMMENDATION_PATTERNS.rebuildStatus,
      { buildId: 7 },
      { idempotent: true, token: 'tok' },
    );

    const failing = { send: jest.fn(async () => ({ buildId: 8, running: false, result: null, error: 'disk full' })) };
    const broken = new RecommendationsGatewayService(failing as unknown as ServiceClient, {} as ServiceClient);
    await expect(broken.rebuild('tok', true)).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('disk full') as string,
    });
  });
});
