import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { RevocationFollower, TokenModule } from '@app/auth';
import { AppConfig, ConfigModule } from '@app/config';
import { EventsModule } from '@app/events';
import { ObservabilityModule } from '@app/observability';
import { JwtAuthGuard, RolesGuard } from './auth/auth.guard';
import { ServiceClientsModule } from './clients/service-clients.module';
import { JwtStrategy } from './auth/jwt.strategy';
import { DrainStateService } from './health/drain-state.service';
import { HealthModule } from './health/health.module';
import { AccountsModule } from './accounts.module';
import { MetricsController } from './metrics/metrics.controller';
import { AdminServicesModule } from './v2/admin/admin-services.module';
import { CatalogModule } from './v2/catalog.module';

@Global()
@Module({})
export class GatewayModule {
  static register(config: AppConfig, drain: DrainStateService): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(config),
        EventsModule.forRoot(),
        ServiceClientsModule,
        TokenModule,
        PassportModule,
        HealthModule,
        AdminServicesModule,
        AccountsModule,
        CatalogModule,
      ],
      controllers: [MetricsController],
      providers: [
        { provide: DrainStateService, useValue: drain },
        JwtStrategy,
        RevocationFollower,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [DrainStateService, ServiceClientsModule],
    };
  }
}
