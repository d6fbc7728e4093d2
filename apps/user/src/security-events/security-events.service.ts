import { Inject, Injectable, Logger } from '@nestjs/common';
import { revocationFor } from '@app/auth';
import { Interval } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FeedPage, positionAt, Revocation, SecurityEvent, SecurityEventType, UserRole } from '@app/contracts';
import { SecurityEventsRepository } from './security-events.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const TRIM_EVERY_MS = 60 * 60 * 1000;

/**
 * The user service's security events: appended after a password change, a role change or a delete is stored and
 * before it is acknowledged, read by the auth service by position (auth -> user, the allowed direction). Kept as
 * long as a refresh token lives, so an auth instance that starts later still learns of every change that matters.
 */
@Injectable()
export class SecurityEventsService {
  private readonly logger = new Logger('SecurityEvents');
  private readonly retentionMs: number;

  constructor(
    private readonly events: SecurityEventsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.retentionMs = config.jwt.refreshTtlDays * DAY_MS;
  }

  @Interval(TRIM_EVERY_MS)
  async trim(): Promise<void> {
    await this.events
      .trimBefore(positionAt(Date.now() - this.retentionMs))
      .catch((err: Error) => this.logger.warn(`trim failed: ${err.message}`));
  }

  /**
   * Call after the change is stored: sessions that started before `at` are affected. Answers the revocation the event
   * means, for the gateway that relayed the change (this service never calls auth; auth reads the event from the feed).
   */
  async record(type: SecurityEventType, userId: string, role?: UserRole, at = Date.now()): Promise<Revocation> {
    const event = { type, userId, ...(role ? { role } : {}), at };
    await this.events.append(event);
    return revocationFor(event, this.config);
  }

  async read(after: string | undefined, limit: number): Promise<FeedPage<SecurityEvent>> {
    return {
      events: await this.events.after(after, limit),
      horizon: positionAt(Date.now() - this.retentionMs),
    };
  }
}
