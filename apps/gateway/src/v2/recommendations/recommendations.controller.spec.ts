import { Reflector } from '@nestjs/core';
import type { Principal } from '@app/auth';
import { routeAccess } from '../../auth/auth.guard';
import type { RecommendationsGatewayService } from './recommendations-gateway.service';
import { RecommendationsController } from './recommendations.controller';

const caller: Principal = { id: 'a'.repeat(24), username: 'alice', role: 'user', jti: 'j', exp: 0 };
const OTHER = 'b'.repeat(24);

describe('RecommendationsController', () => {
  const service = {
    forUser: jest.fn(async () => ({ items: [], strategy: 'popular', generatedAt: 'now' })),
    rebuild: jest.fn(async () => ({})),
    feedStatus: jest.fn(async () => ({})),
  };
  const controller = new RecommendationsController(service as unknown as RecommendationsGatewayService);
  const access = (method: keyof RecommendationsController) =>
    routeAccess(new Reflector(), [RecommendationsController.prototype[method], RecommendationsController]);
  beforeEach(() => jest.clearAllMocks());

  it("answers the caller's own recommendations from the token's user id, never from the request", async () => {
    await controller.mine({ limit: 7 }, caller, 'tok', 'req-1');
    expect(service.forUser).toHaveBeenCalledWith(caller.id, 7, 'tok', 'req-1');
    expect(access('mine')).toEqual({ public: false, roles: [] });
  });

  it("keeps any user's recommendations, rebuilds and the feed status for admins", async () => {
    await controller.forUser(OTHER, { limit: 3 }, 'tok', 'req-2');
    expect(service.forUser).toHaveBeenCalledWith(OTHER, 3, 'tok', 'req-2');
    for (const admin of ['forUser', 'rebuild', 'feed'] as const)
      expect([admin, access(admin)]).toEqual([admin, { public: false, roles: ['admin'] }]);
  });

  it('repairs only when asked with repair=true', async () => {
    await controller.rebuild({}, 'tok');
    await controller.rebuild({ repair: false }, 'tok');
    await controller.rebuild({ repair: true }, 'tok');
    expect(service.rebuild.mock.calls).toEqual([
      ['tok', false],
      ['tok', false],
      ['tok', true],
    ]);
  });
});
