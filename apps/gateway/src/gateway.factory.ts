import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import {
  AppError,
  createValidationPipe,
  ErrorCode,
  HttpErrorFilter,
  jsonDepth,
  MAX_BODY_DEPTH,
  resolveHttpError,
  sendHttpError,
} from '@app/common';
import { normaliseRequestId, runInRequestContext, startDefaultMetrics } from '@app/observability';
import { registerDashboard } from './dashboard/dashboard.plugin';
import { GatewayModule } from './gateway.module';
import { DrainStateService } from './health/drain-state.service';
import { registerHttpCache } from './http-cache/http-cache.plugin';
import metadata from './metadata';
import { registerHttpMetrics } from './metrics/http-metrics.plugin';
import { registerSecurityHeaders } from './security/security-headers.plugin';
import { registerHttpTracing } from './tracing/http-tracing.plugin';

export function buildOpenApi(app: NestFastifyApplication) {
  const config = new DocumentBuilder()
    .setTitle('Movie platform API')
    .setDescription(
      "v1 keeps the original Go services' contract (deprecated); v2 is the current API. Every error answer is `{code, message}` " +
        '(ErrorResponse): clients match on the numeric `code`, never on the message.',
    )
    .setVersion('2.0')
    .addServer('http://localhost:7777', 'Local gateway (`npm start`, PORT 7777)')
    .addTag('auth', 'Sign-up, log in, refresh and log out (v2)')
    .addTag('users', 'User accounts (v2): admins manage everyone, users themselves')
    .addTag('movies', 'The catalog (v2): search, manage, and rate movies')
    .addTag('genres', 'Genres of the catalog (v2)')
    .addTag('recommendations', 'Personal recommendations from ratings, with a popularity fallback (v2)')
    .addTag('admin', 'Operations views for admins (v2)')
    .addTag('health', 'Liveness and readiness probes')
    .addTag('v1 (deprecated)', "The original Go services' routes, kept for existing clients")
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from a login' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** The HTTP gateway, configured but not yet listening. */
export async function createGatewayApp(config: AppConfig, drain: DrainStateService): Promise<NestFastifyApplication> {
  startDefaultMetrics();
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: false,
    // Idle keep-alive sockets are closed on shutdown; requests in flight finish first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // One request id for Fastify, the request log and the request context: the caller's x-request-id when plain, else new.
    genReqId: (req: IncomingMessage) => normaliseRequestId(req.headers['x-request-id']),
    // Errors raised before a route is found (URL too long, bad URL) get the same {code, message} shape.
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => sendHttpError(reply, resolveHttpError(error)),
    // Requests Node cannot even parse (headers too large, garbage) still get a JSON body.
    clientErrorHandler: (error, socket) => {
      const tooLarge = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW';
      const [status, text, message] = tooLarge
        ? [431, 'Request Header Fields Too Large', 'Request headers too large']
        : [400, 'Bad Request', 'Malformed request'];
      const body = JSON.stringify({ code: tooLarge ? 1003 : 1007, message });
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register(config, drain), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  const fastify = app.getHttpAdapter().getInstance();
  registerHttpMetrics(fastify);
  registerHttpTracing(app);
  registerHttpCache(fastify);
  registerSecurityHeaders(fastify);
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
  fastify.addHook('preValidation', (request, reply, done) => {
    if (jsonDepth(request.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      sendHttpError(reply, resolveHttpError(AppError.badRequest('Request body is nested too deeply', ErrorCode.VALIDATION)));
      return;
    }
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // Every answer names its request; the rest of the request runs inside its id when the process carries one.
    reply.header('x-request-id', request.id);
    if (drain.refusing) {
      reply.header('Connection', 'close');
      sendHttpError(reply, resolveHttpError({ status: 503, code: 1300, message: 'Shutting down' }));
      return;
    }
    runInRequestContext(request.id, done);
  });
  // Answers finished while draining close their connection, so the server is not held open by idle keep-alive sockets.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (drain.draining) reply.header('Connection', 'close');
    done(null, payload);
  });
  // The swagger CLI plugin's findings (SWC cannot run its transformer): see scripts/openapi-metadata.js.
  await SwaggerModule.loadPluginMetadata(metadata);
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return app;
}
