import { ExecutionContext, Injectable, CanActivate } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError } from '@app/common';
import type { Principal } from '@app/auth';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorator';

/** Handler and controller a route's marks are read from (the handler's win). */
type RouteTargets = Parameters<Reflector['getAllAndOverride']>[1];

/** Who may call a route, as the guards below decide it: public or not, and the roles it needs (any when empty). */
export function routeAccess(reflector: Reflector, targets: RouteTargets): { public: boolean; roles: Principal['role'][] } {
  return {
    public: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) ?? false,
    roles: reflector.getAllAndOverride<Principal['role'][] | undefined>(ROLES_KEY, targets) ?? [],
  };
}

/** Global: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (routeAccess(this.reflector, [context.getHandler(), context.getClass()]).public) return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) throw AppError.unauthorized('Missing or invalid token');
    return user;
  }
}

/** Global: @Roles('admin') routes refuse other roles with 403. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const { roles } = routeAccess(this.reflector, [context.getHandler(), context.getClass()]);
    if (!roles.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user) throw AppError.unauthorized();
    if (!roles.includes(user.role)) throw AppError.forbidden('This needs the ' + roles.join(' or ') + ' role');
    return true;
  }
}
