import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { createValidationPipe, HttpErrorFilter, resolveHttpError, sendHttpError } from '@app/common';
import { startDefaultMetrics } from '@app/observability';
import { registerDashboard } from './dashboard/dashboard.static';
import { GatewayModule } from './gateway.module';
import { DrainState } from './health/drain-state';
import { registerHttpMetrics } from './metrics/http-metrics';

export function buildOpenApi(app: NestFastifyApplication) {
  const config = new DocumentBuilder()
    .setTitle('Movie platform API')
    .setDescription("v1 keeps the original Go services' contract (deprecated); v2 is the current API.")
    .setVersion('2.0')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** The HTTP gateway, configured but not yet listening. */
export async function createGatewayApp(config: AppConfig, drain: DrainState): Promise<NestFastifyApplication> {
  startDefaultMetrics();
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: false,
    // Idle keep-alive sockets are closed on shutdown; requests in flight finish first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register(config, drain), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  const fastify = app.getHttpAdapter().getInstance();
  registerHttpMetrics(fastify);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        // The gateway speaks plain HTTP: upgrading would break /dashboard and /docs when opened by a LAN address.
        upgradeInsecureRequests: null,
      },
    },
  });
  await registerDashboard(app);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: config.http.bodyLimitBytes, fieldSize: 4096, fields: 20, files: 0, parts: 20 },
  });
  const origins = config.http.corsOrigins
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.enableCors({ origin: origins.length ? origins : false, credentials: false });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (drain.draining) {
      reply.header('Connection', 'close');
      sendHttpError(reply, resolveHttpError({ status: 503, code: 1300, message: 'Shutting down' }));
      return;
    }
    done();
  });
  // Answers finished while draining close their connection, so the server is not held open by idle keep-alive sockets.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (drain.draining) reply.header('Connection', 'close');
    done(null, payload);
  });
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return app;
}
