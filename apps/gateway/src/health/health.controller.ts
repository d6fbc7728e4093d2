import { Controller, Get, Headers, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TokenVerifier } from '@app/auth';
import { ApiErrors, AppError, ErrorCode } from '@app/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/auth.decorator';
import { ServiceName } from '@app/config';
import { SERVICE_PATTERNS, ServiceHealth } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { DrainStateService } from './drain-state.service';
import { LivenessDto, ReadinessDto, ReadinessFailureDto } from './health.dto';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ServiceRegistry,
    @Inject(DrainStateService) private readonly drain: DrainStateService,
    private readonly verifier: TokenVerifier,
  ) {}

  /** The process is up. */
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness: the gateway process is up',
    description: 'Asks nothing of the services.',
  })
  @ApiOkResponse({ type: LivenessDto })
  @ApiErrors()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every downstream service answers over its transport and its database is up. */
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: every service reachable and its database up',
    description:
      'Asks each service over its transport; 503 names what is down. Anonymous callers get only up or down per service; ' +
      'instances, versions, reasons and registry state need an admin bearer token.',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    type: ReadinessFailureDto,
    description: 'Not ready (or shutting down): what is down, with Retry-After when an open breaker says when to look again',
    headers: { 'Retry-After': { description: 'Seconds', schema: { type: 'integer', minimum: 1 } } },
  })
  // Below the 503 above: decorators apply bottom-up, so the readiness report keeps its own 503 schema.
  @ApiErrors()
  @Get('ready')
  // Our own response decorators above document it (terminus' own are OpenAPI 2 shaped).
  @HealthCheck({ swaggerDocumentation: false })
  async ready(@Res({ passthrough: true }) reply: FastifyReply, @Headers('authorization') authorization?: string) {
    const report = await this.check(reply);
    return this.isAdmin(authorization) ? report : withoutDetails(report);
  }

  private isAdmin(authorization: string | undefined): boolean {
    if (!authorization?.startsWith('Bearer ')) return false;
    try {
      return this.verifier.principal(authorization.slice(7)).role === 'admin';
    } catch {
      return false;
    }
  }

  private async check(reply: FastifyReply): Promise<Record<string, unknown>> {
    if (this.drain.draining) {
      // Shutting down: 503 at once, without asking the services (a slow database must not hold the answer up).
      const gateway = { gateway: { status: 'down', reason: 'shutting down' } };
      reply.status(503);
      return { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'Not ready: gateway', status: 'error', error: gateway, details: gateway };
    }
    const retryAfter: number[] = [];
    try {
      return await this.health.check([
        () => this.drainIndicator(),
        ...this.registry.names().map((name) => () => this.serviceIndicator(name, retryAfter)),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      // Keep terminus' report (what is down) next to the usual {code, message}.
      const report = err.getResponse() as { error?: Record<string, unknown> };
      reply.status(503);
      // Open breakers say when they will let a trial through: readiness cannot come back before the last of them.
      if (retryAfter.length) reply.header('Retry-After', String(Math.max(...retryAfter)));
      return { code: ErrorCode.SERVICE_UNAVAILABLE, message: `Not ready: ${Object.keys(report.error ?? {}).join(', ')}`, ...report };
    }
  }

  private drainIndicator(): HealthIndicatorResult {
    const session = this.indicators.check('gateway');
    return this.drain.draining ? session.down({ reason: 'shutting down' }) : session.up();
  }

  private async serviceIndicator(name: ServiceName, retryAfter: number[]): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(name);
    const registry = this.registryDetails(name);
    try {
      const health = await this.registry.client(name).send<ServiceHealth>(SERVICE_PATTERNS[name].health, {});
      return health.database === 'up'
        ? session.up({ instance: health.instanceId, version: health.version, ...registry })
        : session.down({ instance: health.instanceId, database: 'down', ...registry });
    } catch (err) {
      if (err instanceof AppError && err.retryAfter !== undefined) retryAfter.push(err.retryAfter);
      return session.down({ reason: (err as Error).message, ...registry });
    }
  }

  /** Where the instances come from, and whether the registry answers (if not, the last known instances are used). */
  private registryDetails(name: ServiceName): { registry: string } {
    const state = this.registry.registryState();
    const count = this.registry.client(name).instances.length;
    if (state.reachable) return { registry: `${state.source}, ${count} instance${count === 1 ? '' : 's'}` };
    return {
      registry: `${state.source} unreachable (${state.lastError ?? 'no answer'}): using ${count} last known instance${count === 1 ? '' : 's'}`,
    };
  }
}

type Indicators = Record<string, { status?: unknown }>;

/** What anyone may know: ready or not, and which part is down; never hosts, pids, ports, versions or error texts. */
function withoutDetails(report: Record<string, unknown>): Record<string, unknown> {
  const strip = (indicators: unknown) =>
    indicators && typeof indicators === 'object'
      ? Object.fromEntries(Object.entries(indicators as Indicators).map(([name, value]) => [name, { status: value?.status }]))
      : indicators;
  const out: Record<string, unknown> = { ...report };
  for (const key of ['info', 'error', 'details']) if (key in out) out[key] = strip(out[key]);
  return out;
}
