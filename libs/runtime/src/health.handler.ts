import { Controller, Inject, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { APP_CONFIG, AppConfig, ServiceName } from '@app/config';
import { SERVICE_PATTERNS, ServiceHealth } from '@app/contracts';
import { pingDatabase } from '@app/database';
import { appVersion, instanceId } from './app-info.util';

/** Each service answers its health pattern with its name, version, instance id and database state. */
export function healthHandlerFor(service: ServiceName): Type<unknown> {
  @Controller()
  class ServiceHealthHandler {
    constructor(
      @InjectConnection() private readonly connection: Connection,
      @Inject(APP_CONFIG) private readonly config: AppConfig,
    ) {}

    @MessagePattern(SERVICE_PATTERNS[service].health)
    async health(): Promise<ServiceHealth> {
      return {
        service,
        version: appVersion(),
        instanceId: instanceId(service, this.config.services[service].port),
        database: (await pingDatabase(this.connection)) ? 'up' : 'down',
        uptimeSec: Math.round(process.uptime()),
      };
    }
  }
  return ServiceHealthHandler;
}
