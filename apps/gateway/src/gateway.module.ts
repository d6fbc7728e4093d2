import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppConfig, ConfigModule, SERVICE_NAMES } from '@app/config';
import { ObservabilityModule, RequestIdMiddleware } from '@app/observability';
import { ResilienceModule } from '@app/resilience';
import { DrainState } from './health/drain-state';
import { HealthModule } from './health/health.module';
import { MetricsController } from './metrics/metrics.controller';

@Global()
@Module({})
export class GatewayModule implements NestModule {
  static register(config: AppConfig, drain: DrainState): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(config),
        ResilienceModule.forServices(SERVICE_NAMES),
        HealthModule,
      ],
      controllers: [MetricsController],
      providers: [{ provide: DrainState, useValue: drain }],
      exports: [DrainState, ResilienceModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('*path');
  }
}
