import { Module } from '@nestjs/common';
import { AdminServicesController } from './admin-services.controller';
import { AdminTracesController } from './admin-traces.controller';

/**
 * `GET /api/v2/admin/services`: live breaker states from the gateway's ServiceRegistry (provided globally by GatewayModule);
 * `GET /api/v2/admin/traces`: recent slow requests from the gateway's span buffer.
 */
@Module({ controllers: [AdminServicesController, AdminTracesController] })
export class AdminServicesModule {}
