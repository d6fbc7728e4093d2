import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ServiceName } from '@app/config';
import { ServiceRegistry } from './service-registry.service';

@Module({})
export class ResilienceModule {
  /** Clients for the named services, built from the app's configuration. */
  static forServices(services: readonly ServiceName[]): DynamicModule {
    return {
      module: ResilienceModule,
      providers: [
        { provide: ServiceRegistry, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new ServiceRegistry(config, services) },
      ],
      exports: [ServiceRegistry],
    };
  }
}
