import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthCheckResult, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Connection } from 'mongoose';
import { pingDatabase } from '@app/database';

export interface Readiness {
  ok: boolean;
  /** Each indicator's status by name (`{ database: 'up' }`): the body the health port and the health pattern answer. */
  details: Record<string, string>;
}

/** A service's readiness, decided by terminus' indicators as the gateway's is: its own database answers a ping. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  async check(): Promise<Readiness> {
    try {
      return { ok: true, details: statuses(await this.health.check([() => this.database()])) };
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      return { ok: false, details: statuses(err.getResponse() as HealthCheckResult) };
    }
  }

  private async database(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('database');
    return (await pingDatabase(this.connection)) ? session.up() : session.down();
  }
}

function statuses(result: HealthCheckResult): Record<string, string> {
  return Object.fromEntries(Object.entries(result.details).map(([name, indicator]) => [name, String(indicator.status)]));
}
