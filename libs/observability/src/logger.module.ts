import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { rootLogger } from './logger.util';
import { configureRequestContext, currentRequestId, logsRequests, normaliseRequestId, requestIdOf } from './request-context.util';
import { requestTraceIds } from './tracing.util';

/** nestjs-pino for one app; lines carry the process role and the request id. */
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig): DynamicModule {
    configureRequestContext(config);
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          // nestjs-pino's default route ('{/*splat}') matches nothing under Nest 12's Fastify adapter, so no request
          // was ever logged; the wildcard '*path' does. Above `info` no request line is written, so the middleware
          // (about 0.1 ms a request) is not applied at all.
          forRoutes: logsRequests(config) ? ['*path'] : [],
          pinoHttp: {
            logger: rootLogger(config),
            // Fastify's id (middie copies it onto the raw request): the one the response's x-request-id header names.
            genReqId: (req) => requestIdOf(req as { id?: unknown }) ?? currentRequestId() ?? normaliseRequestId(req.headers['x-request-id']),
            customProps: () => ({}),
            // The reply's line is written after the request's span ended: its ids come from the request.
            customSuccessObject: (req, _res, line: object) => ({ ...line, ...requestTraceIds(req) }),
            customErrorObject: (req, _res, _err, line: object) => ({ ...line, ...requestTraceIds(req) }),
            quietReqLogger: true,
            // Middleware mounted on a wildcard sees the URL relative to its mount point; the original one is whole.
            autoLogging: { ignore: (req) => ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').startsWith('/health') },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
    };
  }
}
