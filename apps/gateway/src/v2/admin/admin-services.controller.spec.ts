import { Reflector } from '@nestjs/core';
import type { ServiceRegistry } from '@app/resilience';
import { routeAccess } from '../../auth/auth.guard';
import { AdminServicesController } from './admin-services.controller';

describe('AdminServicesController', () => {
  const status = [{ name: 'movie', transport: 'tcp', registry: {}, instances: [] }];
  const controller = new AdminServicesController({ status: () => status } as unknown as ServiceRegistry);

  it("is for admins only and answers the registry's live status, never cached", () => {
    expect(routeAccess(new Reflector(), [AdminServicesController.prototype.services, AdminServicesController])).toEqual({
      public: false,
      roles: ['admin'],
    });
    expect(controller.services()).toEqual({ services: status });
    const headers = Reflect.getMetadata('__headers__', AdminServicesController.prototype.services) as { name: string; value: string }[];
    expect(headers).toContainEqual({ name: 'Cache-Control', value: 'no-store' });
  });
});
