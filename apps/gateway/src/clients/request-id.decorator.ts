import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestIdOf } from '@app/observability';

/**
 * The HTTP request's id (Fastify's, from a plain `x-request-id` or new), for the calls the handler makes: services
 * log with it (`meta.requestId`), so one id follows a request across processes without a per-await context.
 */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined =>
  requestIdOf(ctx.switchToHttp().getRequest<{ id?: unknown }>()),
);
