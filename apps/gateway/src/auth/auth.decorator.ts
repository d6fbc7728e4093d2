import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { AppError } from '@app/common';
import type { Principal } from '@app/auth';

export const IS_PUBLIC = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** No token needed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles (after a valid token). */
export const Roles = (...roles: Principal['role'][]) => SetMetadata(ROLES_KEY, roles);

interface AuthedRequest {
  user?: Principal;
  headers: Record<string, string | undefined>;
}

/** The verified caller. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw AppError.unauthorized();
  return user;
});

/** The caller's raw access token, to pass on to services that verify it again. */
export const BearerToken = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const header = ctx.switchToHttp().getRequest<AuthedRequest>().headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
});
