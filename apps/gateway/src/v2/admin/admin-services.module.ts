import { Module } from '@nestjs/common';
import { AdminServicesController } from './admin-services.controller';

/** `GET /api/v2/admin/services`: live breaker states from the gateway's ServiceRegistry (provided globally by GatewayModule). */
@Module({ controllers: [AdminServicesController] })
export class AdminServicesModule {}
