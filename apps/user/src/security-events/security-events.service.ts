import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { revocationFor } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { positionAt, Revocation, SecurityEvent, SecurityEventType, UserRole } from '@app/contracts';
import { EventBus, OutboxPublisher } from '@app/events';
import { SecurityEventsRepository } from './security-events.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const TRIM_EVERY_MS = 60 * 60 * 1000;

/**
 * The user service's security events: stored after a password change, a role change or a delete is stored, then
 * published to the `security` stream (the collection is the outbox: what a crash left unpublished goes out at the
 * next start), before the change is acknowledged. The auth service consumes the stream (a durable consumer) and turns
 * each event into revocations; this service never calls auth. Kept as long as a refresh token lives.
 */
@Injectable()
export class SecurityEventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SecurityEvents');
  private readonly retentionMs: number;
  private readonly outbox: OutboxPublisher<SecurityEvent>;

  constructor(
    private readonly events: SecurityEventsRepository,
    bus: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.retentionMs = config.jwt.refreshTtlDays * DAY_MS;
    this.outbox = new OutboxPublisher<SecurityEvent>(
      'security',
      { pending: () => events.unpublished(), remove: (published) => events.markPublished(published) },
      (e) => bus.publish('security', e.type, e, { id: e.pos }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.outbox.drain().catch((err: Error) => this.logger.warn(`outbox not drained at start: ${err.message}`));
  }

  onApplicationShutdown(): Promise<void> {
    return this.outbox.stop();
  }

  @Interval(TRIM_EVERY_MS)
  async trim(): Promise<void> {
    await this.events
      .trimBefore(positionAt(Date.now() - this.retentionMs))
      .catch((err: Error) => this.logger.warn(`trim failed: ${err.message}`));
  }

  /**
   * Call after the change is stored: sessions that started before `at` are affected. Answers the revocation the event
   * means, for the gateway that relayed the change. A publish that fails does not fail the change (it is stored, and
   * so is the event): the outbox publishes it again behind, and until then only the gateway that relayed it knows.
   */
  async record(type: SecurityEventType, userId: string, role?: UserRole, at = Date.now()): Promise<Revocation> {
    const event = await this.events.append({ type, userId, ...(role ? { role } : {}), at });
    await this.outbox.publish([event]).catch((err: Error) => this.logger.warn(`security event not published yet (${err.message}); retrying`));
    return revocationFor(event, this.config);
  }
}
