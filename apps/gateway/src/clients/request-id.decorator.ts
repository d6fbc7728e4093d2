import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * The HTTP request's id (Fastify's, from a plain `x-request-id` or new), for the calls the handler makes: services
 * log with it (`meta.requestId`), so one id follows a request across processes without a per-await context.
 */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const id = ctx.switchToHttp().getRequest<{ id?: unknown }>().id;
  return typeof id === 'string' ? id : undefined;
});
