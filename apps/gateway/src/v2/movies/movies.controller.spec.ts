import { Reflector } from '@nestjs/core';
import { MOVIE_PATTERNS } from '@app/contracts';
import type { ServiceClient } from '@app/resilience';
import { routeAccess } from '../../auth/auth.guard';
import { MoviesController } from './movies.controller';

const ID = 'a'.repeat(24);

/**
 * What the gateway adds on the way to the movie service (the e2e suites run the real one): reads are public, may
 * be retried and carry If-None-Match; writes carry the caller's token for the service to check again and are
 * never retried; catalog changes are for admins, ratings for any signed-in caller.
 */
describe('MoviesController', () => {
  const send = jest.fn(async () => ({}));
  const controller = new MoviesController({ send } as unknown as ServiceClient);
  const reflector = new Reflector();
  const meta = (method: keyof MoviesController) => routeAccess(reflector, [MoviesController.prototype[method], MoviesController]);
  beforeEach(() => send.mockClear());

  it('sends reads as idempotent with the If-None-Match tags, and marks them public', async () => {
    await controller.get(ID, ['"t1"']);
    expect(send).toHaveBeenLastCalledWith(MOVIE_PATTERNS.get, { id: ID }, { idempotent: true, ifNoneMatch: ['"t1"'] });
    await controller.ratings(ID, { page: 2, limit: 5 }, undefined);
    expect(send).toHaveBeenLastCalledWith(
      MOVIE_PATTERNS.ratingsOfMovie,
      { movieId: ID, page: 2, limit: 5 },
      { idempotent: true, ifNoneMatch: undefined },
    );
    for (const read of ['list', 'get', 'ratings'] as const) expect(meta(read)).toEqual({ public: true, roles: [] });
  });

  it("sends writes with the caller's token and never as retryable; catalog changes are for admins only", async () => {
    await controller.update(ID, { name: 'New' }, 'tok');
    expect(send).toHaveBeenLastCalledWith(MOVIE_PATTERNS.update, { id: ID, patch: { name: 'New' } }, { token: 'tok' });
    await controller.rate(ID, { score: 4 }, 'tok');
    expect(send).toHaveBeenLastCalledWith(MOVIE_PATTERNS.rate, { movieId: ID, rating: { score: 4 } }, { token: 'tok', affinity: ID });
    await controller.unrate(ID, 'tok');
    expect(send).toHaveBeenLastCalledWith(MOVIE_PATTERNS.unrate, { movieId: ID }, { token: 'tok', affinity: ID });
    for (const write of ['create', 'update', 'remove'] as const) expect(meta(write)).toEqual({ public: false, roles: ['admin'] });
    for (const own of ['rate', 'unrate'] as const) expect(meta(own)).toEqual({ public: false, roles: [] });
  });
});
