import { DynamicModule, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { Logger } from 'nestjs-pino';
import { Server } from 'node:http';
import { AppConfig, ConfigModule, ServiceName } from '@app/config';
import { createValidationPipe, RpcErrorFilter } from '@app/common';
import { DatabaseModule } from '@app/database';
import { EventsModule } from '@app/events';
import { currentProcessRole, ObservabilityModule, RpcContextInterceptor, startDefaultMetrics, startTracing } from '@app/observability';
import { serverOptions, ServiceAuthGuard } from '@app/resilience';
import { appVersion } from './app-info.util';
import { startHealthServer } from './health.server';
import { InFlightTracker } from './in-flight.follower';
import { ReadinessModule } from './readiness.module';
import { ReadinessService } from './readiness.service';

/** What every service's root module imports: its config, logger, own database, readiness (terminus) and timers (@nestjs/schedule). */
export function serviceBaseImports(service: ServiceName, config: AppConfig): (DynamicModule | Type)[] {
  return [
    ConfigModule.forRoot(config),
    ObservabilityModule.forRoot(config),
    DatabaseModule.forService(service),
    EventsModule.forRoot(),
    ReadinessModule,
    ScheduleModule.forRoot(),
  ];
}

export interface RunningService {
  service: ServiceName;
  app: INestMicroservice;
  healthServer?: Server;
  close(): Promise<void>;
}

/** Starts one service behind its transport (TCP on its configured port, or NATS). */
export async function startService(
  service: ServiceName,
  rootModule: DynamicModule,
  config: AppConfig,
  options: { healthPort?: number; draining?: () => boolean } = {},
): Promise<RunningService> {
  startDefaultMetrics();
  await startTracing(config, { service: currentProcessRole(), version: appVersion() });
  const transport = serverOptions(config, service, config.services[service].port);
  const inFlight = new InFlightTracker();
  inFlight.follow(transport.strategy);
  const app = await NestFactory.createMicroservice(rootModule, { ...transport, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  // Before any handler's own guard: a message without the deployment's credential reaches no handler of any pattern.
  app.useGlobalGuards(new ServiceAuthGuard());
  if (RpcContextInterceptor.needed()) app.useGlobalInterceptors(new RpcContextInterceptor(service));
  await app.listen();
  let healthServer: Server | undefined;
  if (options.healthPort !== undefined) {
    const readiness = app.get(ReadinessService);
    healthServer = await startHealthServer(options.healthPort, config.services[service].bindHost, {
      draining: options.draining ?? (() => false),
      ready: () => readiness.check(),
    });
  }
  return {
    service,
    app,
    healthServer,
    close: async () => {
      // Messages already received get their answer; the shutdown step's timeout bounds the wait.
      await inFlight.whenIdle();
      await new Promise<void>((resolve) => (healthServer ? healthServer.close(() => resolve()) : resolve()));
      await app.close();
    },
  };
}
