import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { rootLogger } from './logger.util';
import { currentRequestId, normaliseRequestId } from './request-context.util';

/** nestjs-pino for one app; lines carry the process role and the request id. */
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: rootLogger(config),
            genReqId: (req) => currentRequestId() ?? normaliseRequestId(req.headers['x-request-id']),
            customProps: () => ({}),
            quietReqLogger: true,
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
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
