import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@app/common';
import type { RpcEnvelope } from '@app/contracts';
import { Principal } from './claims.types';
import { TokenVerifier } from './token-verifier.service';

const RPC_ROLES = 'rpc:roles';

/** Roles a guarded message pattern accepts (any verified caller when empty). */
export const RpcRoles = (...roles: Principal['role'][]) => SetMetadata(RPC_ROLES, roles);

type Envelope = RpcEnvelope & { principal?: Principal };

/**
 * Services that guard a resource verify the caller's token again (never trusting the gateway
 * alone) and expose the principal to the handler through @RpcPrincipal().
 */
@Injectable()
export class RpcAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const envelope = context.switchToRpc().getData<Envelope>();
    const principal = this.verifier.principal(envelope?.meta?.token);
    const roles = this.reflector.getAllAndOverride<Principal['role'][] | undefined>(RPC_ROLES, [context.getHandler(), context.getClass()]);
    if (roles?.length && !roles.includes(principal.role)) throw AppError.forbidden();
    envelope.principal = principal;
    return true;
  }
}

export const RpcPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToRpc().getData<Envelope>().principal;
  if (!principal) throw AppError.unauthorized();
  return principal;
});
