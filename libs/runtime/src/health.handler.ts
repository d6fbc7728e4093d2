import { Controller, Inject, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { APP_CONFIG, AppConfig, ServiceName } from '@app/config';
import { SERVICE_PATTERNS, ServiceHealth } from '@app/contracts';
import { appVersion, instanceId } from './app-info.util';
import { ReadinessService } from './readiness.service';

/** Each service answers its health pattern with its name, version, instance id and database state. */
export function healthHandlerFor(service: ServiceName): Type<unknown> {
  @Controller()
  class ServiceHealthHandler {
    constructor(
      private readonly readiness: ReadinessService,
      @Inject(APP_CONFIG) private readonly config: AppConfig,
    ) {}

    @MessagePattern(SERVICE_PATTERNS[service].health)
    async health(): Promise<ServiceHealth> {
      return {
        service,
        version: appVersion(),
        instanceId: instanceId(service, this.config.services[service].port),
        database: (await this.readiness.check()).ok ? 'up' : 'down',
        uptimeSec: Math.round(process.uptime()),
      };
    }
  }
  return ServiceHealthHandler;
}
